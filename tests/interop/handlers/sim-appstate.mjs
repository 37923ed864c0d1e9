// App state ("syncd") of unmodified Baileys clients on the simulator: what a client learns from the account's app state
// (Baileys' contacts.upsert, chats.update, chats.delete, messages.update, labels.edit, labels.association and
// settings.update events), syncs through its public socket API (resyncAppState, chatModify), and the app state
// version it ends at.
import { proto } from 'baileys/WAProto/index.js'
import { ALL_WA_PATCH_NAMES } from 'baileys/lib/Types/Chat.js'
import { chatModificationToAppPatch, encodeSyncdPatch } from 'baileys/lib/Utils/chat-utils.js'
import { simClient } from './sim-baileys.mjs'
import { toB64 } from './util.mjs'

// WhatsApp serves app state snapshots as blobs on its media host; the blob reference names no host, so Baileys fetches
// them from mmg.whatsapp.net. This process resolves that host to the simulator's media host, as a hosts file would.
const realFetch = globalThis.fetch
let mediaHost
const routeMediaHost = host => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0' // the media host's certificate is self-signed
  mediaHost = host
  if (globalThis.fetch !== realFetch) return
  globalThis.fetch = (input, init) => {
    const url = new URL(String(input))
    if (url.host !== 'mmg.whatsapp.net' || !mediaHost) return realFetch(input, init)
    url.host = mediaHost
    return realFetch(url, init)
  }
}

const records = new Map() // client id -> { kind: [event entries] }
const recordsOf = id => records.get(id) ?? (() => { throw new Error(`app state of ${id} is not followed`) })()

const listen = (c, seen) => {
  const push = (kind, entries) => {
    seen[kind].push(...entries)
    c.notify()
  }
  const ev = c.sock.ev
  ev.on('contacts.upsert', contacts => push('contacts', contacts.map(({ id, name, lid, phoneNumber }) => ({ id, name: name ?? null, lid: lid ?? null, phoneNumber: phoneNumber ?? null }))))
  ev.on('chats.update', updates => push('chats', updates.map(({ id, archived, pinned, muteEndTime, unreadCount }) =>
    ({ id, archived: archived ?? null, pinned: pinned ?? null, muteEndTime: muteEndTime ?? null, unreadCount: unreadCount ?? null }))))
  ev.on('chats.delete', ids => push('deletes', ids.map(id => ({ id }))))
  ev.on('messages.update', updates => push('stars', updates.filter(u => typeof u.update.starred === 'boolean')
    .map(({ key, update }) => ({ chat: key.remoteJid, id: key.id, starred: update.starred }))))
  ev.on('labels.edit', label => push('labels', [{ id: label.id, name: label.name ?? null, deleted: !!label.deleted }]))
  ev.on('labels.association', ({ type, association }) => push('associations', [{ type, chat: association.chatId, label: association.labelId }]))
  ev.on('settings.update', ({ setting, value }) => push('settings', [{ setting, value: typeof value === 'string' ? value : JSON.stringify(value) }]))
}

const waitUntil = (c, predicate, timeoutMs, what) => new Promise((resolve, reject) => {
  const check = () => {
    const value = predicate()
    if (!value) return
    clearTimeout(timer)
    c.waiters.delete(check)
    resolve(value)
  }
  const timer = setTimeout(() => {
    c.waiters.delete(check)
    reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
  }, timeoutMs)
  c.waiters.add(check)
  check()
})

const versions = c => Object.fromEntries(ALL_WA_PATCH_NAMES.map(name => [name, c.keys.peek('app-state-sync-version', name)?.version ?? 0]))

// Message keys travel as { chat, id, fromMe, timestamp }: Baileys wants the last messages of a chat for some actions.
const lastMessages = messages => messages?.map(m => ({ key: { remoteJid: m.chat, id: m.id, fromMe: m.fromMe }, messageTimestamp: m.timestamp }))
const modification = ({ kind, value, messages, labelId }) => {
  switch (kind) {
    case 'archive': return { archive: value, lastMessages: lastMessages(messages) }
    case 'markRead': return { markRead: value, lastMessages: lastMessages(messages) }
    case 'delete': return { delete: true, lastMessages: lastMessages(messages) }
    case 'mute': return { mute: value ? Date.now() + 8 * 3600 * 1000 : null }
    case 'pin': return { pin: value }
    case 'star': return { star: { messages: messages.map(m => ({ id: m.id, fromMe: m.fromMe })), star: value } }
    case 'addLabel': return { addChatLabel: { labelId } }
    case 'removeLabel': return { removeChatLabel: { labelId } }
    default: throw new Error(`no chat modification ${kind}`)
  }
}

export const ops = {
  // Records the app state events of client `id` from now on, across its reconnects.
  'simsync.follow': async ({ id, mediaHost: host }) => {
    routeMediaHost(host)
    const c = simClient(id)
    const seen = { contacts: [], chats: [], deletes: [], stars: [], labels: [], associations: [], settings: [] }
    records.set(id, seen)
    listen(c, seen)
    const connect = c.connect.bind(c)
    c.connect = () => {
      connect()
      listen(c, seen)
    }
  },
  // Waits for the app state sync key the phone shares; returns its id (base64).
  'simsync.waitKey': async ({ id, timeoutMs = 30000 }) => {
    const c = simClient(id)
    return waitUntil(c, () => c.creds.myAppStateKeyId && c.keys.peek('app-state-sync-key', c.creds.myAppStateKeyId) && c.creds.myAppStateKeyId, timeoutMs, 'the app state sync key')
  },
  // Loses the app state sync keys (as a client whose key store was wiped), then asks the phone for the key by id.
  'simsync.requestKey': async ({ id, keyId }) => {
    const c = simClient(id)
    const forgotten = c.keys.forget('app-state-sync-key')
    c.creds.myAppStateKeyId = undefined
    const me = c.creds.me.id.replace(/:\d+@/, '@')
    await c.sock.relayMessage(me, {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_REQUEST,
        appStateSyncKeyRequest: { keyIds: [{ keyId: Buffer.from(keyId, 'base64') }] }
      }
    }, { additionalAttributes: { category: 'peer', push_priority: 'high_force' } })
    return forgotten
  },
  // Syncs every collection through Baileys' own resyncAppState; returns the versions it reached.
  'simsync.resync': async ({ id }) => {
    const c = simClient(id)
    await c.sock.resyncAppState(ALL_WA_PATCH_NAMES, false)
    return versions(c)
  },
  'simsync.versions': async ({ id }) => versions(simClient(id)),
  // One chatModify (archive, markRead, delete, mute, pin, star, addLabel, removeLabel) on `jid`.
  'simsync.modify': async ({ id, jid, ...change }) => {
    const c = simClient(id)
    await c.sock.chatModify(modification(change), jid)
    return versions(c)
  },
  // Waits until `count` events of `kind` were recorded; returns them all.
  'simsync.waitEvents': async ({ id, kind, count, timeoutMs = 30000 }) => {
    const c = simClient(id)
    const seen = recordsOf(id)
    return waitUntil(c, () => seen[kind].length >= count && seen[kind], timeoutMs, `${count} ${kind} events (have ${JSON.stringify(seen[kind])})`)
  },
  'simsync.events': async ({ id }) => recordsOf(id),
  // Keeps the client's state of `collection` as it stands, for a later stale upload.
  'simsync.keepState': async ({ id, collection }) => {
    const c = simClient(id)
    const state = c.keys.peek('app-state-sync-version', collection)
    recordsOf(id).kept = { collection, state: { ...state, indexValueMap: { ...state.indexValueMap } } }
    return state.version
  },
  // Uploads a chat modification built with Baileys' encoder on the kept (by now stale) state, as a client that missed
  // a patch would; returns the server's answer for the collection: its attributes, error and the patches it carries.
  'simsync.uploadOnKeptState': async ({ id, jid, ...change }) => {
    const c = simClient(id)
    const { collection, state } = recordsOf(id).kept
    const getKey = async keyId => c.keys.peek('app-state-sync-key', keyId)
    const { patch } = await encodeSyncdPatch(chatModificationToAppPatch(modification(change), jid), c.creds.myAppStateKeyId, state, getKey)
    const result = await c.sock.query({
      tag: 'iq',
      attrs: { to: 's.whatsapp.net', type: 'set', xmlns: 'w:sync:app:state' },
      content: [{
        tag: 'sync',
        attrs: {},
        content: [{
          tag: 'collection',
          attrs: { name: collection, version: state.version.toString(), return_snapshot: 'false' },
          content: [{ tag: 'patch', attrs: {}, content: proto.SyncdPatch.encode(patch).finish() }]
        }]
      }]
    })
    const answer = result.content.find(n => n.tag === 'sync').content.find(n => n.tag === 'collection')
    const error = answer.content?.find(n => n.tag === 'error')
    const patches = answer.content?.find(n => n.tag === 'patches')?.content ?? []
    return {
      attrs: answer.attrs,
      error: error ? error.attrs : null,
      patchVersions: patches.map(p => Number(proto.SyncdPatch.decode(p.content).version.version)),
      patchBytes: patches.map(p => toB64(p.content))
    }
  }
}
