// Presence and chat states of unmodified Baileys clients against the simulator (clients from sim-baileys.mjs).
import { simClient } from './sim-baileys.mjs'

export const ops = {
  // Baileys' sendPresenceUpdate: available | unavailable (to ignored) or composing | recording | paused to a chat.
  'sim.presence.send': async ({ id, type, to }) => { await simClient(id).sock.sendPresenceUpdate(type, to) },
  'sim.presence.subscribe': async ({ id, to }) => { await simClient(id).sock.presenceSubscribe(to) },
  // Waits until the client recorded `count` presence.update entries; returns them all, oldest first.
  'sim.presence.wait': async ({ id, count, timeoutMs = 30000 }) => {
    const c = simClient(id)
    await c.waitPresences(count, timeoutMs)
    return c.presences
  }
}
