// Ops that drive unmodified Baileys clients against the simulator (see ../sim/baileys-client.mjs).
import { SimClient } from '../sim/baileys-client.mjs'
import { fromB64, setCertificateRoot, toB64 } from './util.mjs'

const clients = new Map()
const client = id => clients.get(id) ?? (() => { throw new Error(`no sim client ${id}`) })()
// Other handler files (media-sim.mjs) drive the same clients.
export { client as simClient }

export const ops = {
  // Starts a fresh (unpaired) client and returns its first QR text.
  // history: { full } for a client that processes its phone's history sync (see sim-history.mjs).
  'sim.start': async ({ id, url, rootKey, name, history, timeoutMs = 20000 }) => {
    setCertificateRoot(rootKey)
    if (url.startsWith('wss:')) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0' // the simulator's TLS certificate is self-signed
    const c = new SimClient({ url, name, history })
    clients.set(id, c)
    c.connect()
    return { qr: await c.waitQr(timeoutMs) }
  },
  // Starts a fresh client that asks to be linked by pairing code for `phone`; returns the code it would display.
  'sim.startWithCode': async ({ id, url, rootKey, name, phone, timeoutMs = 20000 }) => {
    setCertificateRoot(rootKey)
    const c = new SimClient({ url, name })
    clients.set(id, c)
    c.connect()
    await c.waitQr(timeoutMs) // registration is under way once refs arrived
    return { code: await c.sock.requestPairingCode(phone) }
  },
  // Waits until the client has opened `opens` connections (1 = logged in after pairing); returns its identity.
  'sim.waitOpen': async ({ id, opens = 1, timeoutMs = 30000 }) => {
    const c = client(id)
    await c.waitOpen(opens, timeoutMs)
    return { me: c.creds.me, closes: c.closes }
  },
  'sim.send': async ({ id, to, texts }) => {
    const c = client(id)
    const ids = []
    for (const text of texts) ids.push(await c.send(to, text))
    return ids
  },
  // kind: reply | reaction | edit | revoke, acting on message targetId (fromMe: one this client sent).
  'sim.sendKind': async ({ id, to, kind, text, targetId, fromMe = false }) => client(id).sendKind(to, kind, { text, targetId, fromMe }),
  'sim.waitChanges': async ({ id, count, timeoutMs = 30000 }) => {
    const c = client(id)
    await c.waitChanges(count, timeoutMs)
    return c.changes
  },
  'sim.read': async ({ id, messageIds }) => { await client(id).readMessages(messageIds) },
  'sim.waitReceived': async ({ id, count, timeoutMs = 30000 }) => {
    const c = client(id)
    await c.waitReceived(count, timeoutMs)
    return c.received
  },
  // Waits until every listed message of ours reached `status` (3 = delivered to the recipient's device).
  'sim.waitStatus': async ({ id, messageIds, status = 3, timeoutMs = 30000 }) => {
    const c = client(id)
    for (const m of messageIds) await c.waitStatus(m, status, timeoutMs)
    return messageIds.map(m => c.statuses.get(m))
  },
  // Connects a twin of `id` under `twinId`; returns once the twin is open and reports how the original was closed.
  'sim.twin': async ({ id, twinId, timeoutMs = 30000 }) => {
    const original = client(id)
    const closed = original.closes.length
    original.stopped = true // a replaced client must not reconnect and fight back
    const twin = original.twin(twinId)
    clients.set(twinId, twin)
    twin.connect()
    await twin.waitOpen(1, timeoutMs)
    await original.waitClose(closed + 1, timeoutMs)
    return { originalCloses: original.closes }
  },
  'sim.logout': async ({ id }) => { await client(id).logout() },
  // Reconnects and waits for the connection to end (for clients the server refuses); returns the close codes.
  'sim.reconnectRefused': async ({ id, timeoutMs = 30000 }) => {
    const c = client(id)
    const closed = c.closes.length
    c.connect()
    c.stopped = true
    await c.waitClose(closed + 1, timeoutMs)
    return { closes: c.closes, opens: c.opens }
  },
  'sim.groupCreate': async ({ id, subject, participants }) => {
    const meta = await client(id).sock.groupCreate(subject, participants)
    return { id: meta.id, subject: meta.subject, participants: meta.participants.map(p => ({ id: p.id, admin: p.admin })) }
  },
  'sim.groupMetadata': async ({ id, group }) => {
    const meta = await client(id).sock.groupMetadata(group)
    return { id: meta.id, subject: meta.subject, participants: meta.participants.map(p => ({ id: p.id, admin: p.admin })) }
  },
  // Media goes over HTTPS to the simulator's media host, whose certificate is self-signed: this test process trusts it.
  'sim.sendImage': async ({ id, to, image, caption }) => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    return client(id).sendImage(to, fromB64(image), caption)
  },
  'sim.downloadImage': async ({ id, messageId }) => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
    return toB64(await client(id).downloadImage(messageId))
  },
  'sim.disconnect': async ({ id }) => { await client(id).disconnect() },
  'sim.reconnect': async ({ id }) => { client(id).connect() },
  'sim.stopAll': async () => {
    for (const c of clients.values()) await c.disconnect().catch(() => {})
    clients.clear()
  }
}
