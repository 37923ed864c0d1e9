// Ops for the cluster command tests: what a Baileys peer (a client of sim-baileys.mjs) sees of an account's
// presence and chat states, through Baileys' own presenceSubscribe and presence.update.
import { simClient } from './sim-baileys.mjs'

const seen = new Map() // client id -> [{ chat, participant, presence }]

const waitUntil = (predicate, timeoutMs, what) => new Promise((resolve, reject) => {
  const started = Date.now()
  const poll = () => {
    const value = predicate()
    if (value) return resolve(value)
    if (Date.now() - started > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
    setTimeout(poll, 50)
  }
  poll()
})

export const ops = {
  // Subscribes client `id` to the presence of `jid` and records every presence.update it gets from now on.
  'peer.watchPresence': async ({ id, jid }) => {
    const c = simClient(id)
    if (!seen.has(id)) {
      const list = []
      seen.set(id, list)
      c.sock.ev.on('presence.update', ({ id: chat, presences }) => {
        for (const [participant, p] of Object.entries(presences)) list.push({ chat, participant, presence: p.lastKnownPresence })
      })
    }
    await c.sock.presenceSubscribe(jid)
  },
  // The group's description and settings as client `id` reads them from the server.
  'peer.groupSettings': async ({ id, group }) => {
    const meta = await simClient(id).sock.groupMetadata(group)
    return { desc: meta.desc ?? null, announce: !!meta.announce, restrict: !!meta.restrict, ephemeralDuration: meta.ephemeralDuration ?? 0 }
  },
  // Client `id` announces a chat state (composing, recording, paused) to `to`.
  'peer.sendPresence': async ({ id, type, to }) => { await simClient(id).sock.sendPresenceUpdate(type, to) },
  // Waits until client `id` saw `presence` from a chat whose user part is `user`, after `after` earlier updates.
  'peer.waitPresence': async ({ id, user, presence, after = 0, timeoutMs = 20000 }) => {
    const list = seen.get(id) ?? []
    await waitUntil(() => list.slice(after).some(u => u.chat.split('@')[0] === user && u.presence === presence), timeoutMs,
      `${presence} from ${user}; saw ${JSON.stringify(list)}`)
    return { updates: list.length, seen: list }
  }
}
