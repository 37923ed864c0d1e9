// Baileys' own builders and parsers of the iqs our engine sends (WaCluster.Core.Iq specs), and what a whole Baileys
// client received in answer to its iqs. Nodes travel as Baileys' binary encoding of them (base64), so that both sides
// read them with their own, separately proven decoder.
import { encodeBinaryNode } from 'baileys/lib/WABinary/encode.js'
import { decodeBinaryNode } from 'baileys/lib/WABinary/decode.js'
import { assertNodeErrorFree } from 'baileys/lib/WABinary/generic-utils.js'
import { getNextPreKeysNode, parseAndInjectE2ESessions } from 'baileys/lib/Utils/signal.js'
import { extractGroupMetadata } from 'baileys/lib/Socket/groups.js'
import { USyncQuery, USyncUser } from 'baileys/lib/WAUSync/index.js'
import { simClient } from './sim-baileys.mjs'
import { fromB64, toB64 } from './util.mjs'

const encode = node => toB64(encodeBinaryNode(node))
const decode = b64 => decodeBinaryNode(fromB64(b64))

// The query a device lookup (getUSyncDevices) or an onWhatsApp check makes, with its users.
const usyncQuery = (kind, users) => {
  const query = new USyncQuery()
  if (kind === 'devices') {
    query.withContext('message').withDeviceProtocol().withLIDProtocol()
    for (const jid of users) query.withUser(new USyncUser().withId(jid))
  } else {
    query.withContactProtocol()
    for (const phone of users) query.withUser(new USyncUser().withPhone(phone))
  }
  return query
}

// Frames each whole client received since recording began, by client id.
const received = new Map()

export const ops = {
  // Baileys' pre-key upload for our creds and pre-keys (its store holds exactly those, none left to generate), with
  // the stanza id its query() would add.
  'iq.preKeyUploadNode': async ({ id, registrationId, identityKey, signedPreKey, preKeys }) => {
    const store = new Map(preKeys.map(k => [String(k.id), { public: fromB64(k.publicKey), private: fromB64(k.privateKey) }]))
    const first = Math.min(...preKeys.map(k => k.id))
    const creds = {
      registrationId,
      signedIdentityKey: { public: fromB64(identityKey) },
      signedPreKey: { keyId: signedPreKey.id, keyPair: { public: fromB64(signedPreKey.publicKey) }, signature: fromB64(signedPreKey.signature) },
      firstUnuploadedPreKeyId: first,
      nextPreKeyId: first + preKeys.length
    }
    const keys = {
      get: async (type, ids) => Object.fromEntries(ids.filter(id => store.has(id)).map(id => [id, store.get(id)])),
      set: async changes => {
        if (Object.keys(changes['pre-key'] ?? {}).length > 0) throw new Error('Baileys generated pre-keys of its own')
      }
    }
    const { node } = await getNextPreKeysNode({ creds, keys }, preKeys.length)
    node.attrs.id = id
    return encode(node)
  },
  // The query and user elements Baileys' usync protocols build, as socket.executeUSyncQuery assembles them.
  'iq.usyncElements': async ({ kind, users }) => {
    const query = usyncQuery(kind, users)
    return {
      query: query.protocols.map(p => encode(p.getQueryElement())),
      users: query.users.map(u => query.protocols.map(p => p.getUserElement(u)).filter(e => e !== null).map(encode))
    }
  },
  // USyncQuery.parseUSyncQueryResult of an answer: each listed user with what its protocols read.
  'iq.parseUsync': async ({ kind, answer }) => {
    const result = usyncQuery(kind, []).parseUSyncQueryResult(await decode(answer))
    return result?.list.map(u => ({
      id: u.id,
      lid: u.lid ?? null,
      contact: u.contact ?? null,
      devices: u.devices?.deviceList ?? null
    })) ?? null
  },
  // parseAndInjectE2ESessions with a repository that records each session it is told to inject, or its error.
  'iq.parseKeyBundles': async ({ answer }) => {
    const injected = []
    const repository = { injectE2ESession: async ({ jid, session }) => { injected.push({ jid, session }) } }
    try {
      await parseAndInjectE2ESessions(await decode(answer), repository)
    } catch (error) {
      return { error: String(error?.message ?? error), injected: injected.length }
    }
    const key = k => k && { keyId: k.keyId, publicKey: toB64(k.publicKey), signature: k.signature ? toB64(k.signature) : null }
    return {
      sessions: injected.map(({ jid, session }) => ({
        jid,
        registrationId: session.registrationId,
        identityKey: toB64(session.identityKey),
        signedPreKey: key(session.signedPreKey),
        preKey: key(session.preKey) ?? null
      }))
    }
  },
  // extractGroupMetadata (groups.js) of an answer, or the error it raised.
  'iq.extractGroupMetadata': async ({ answer }) => {
    try {
      const m = extractGroupMetadata(await decode(answer))
      return {
        id: m.id,
        subject: m.subject ?? null,
        owner: m.owner ?? null,
        creation: m.creation,
        desc: m.desc ?? null,
        descId: m.descId ?? null,
        announce: m.announce,
        restrict: m.restrict,
        ephemeralDuration: m.ephemeralDuration ?? null,
        participants: m.participants.map(p => ({ id: p.id, lid: p.lid ?? null, admin: p.admin }))
      }
    } catch (error) {
      return { error: String(error?.message ?? error) }
    }
  },
  // How Baileys' query() reads an answer's error (assertNodeErrorFree): its text and code, or that it saw none.
  'iq.readError': async ({ answer }) => {
    try {
      assertNodeErrorFree(await decode(answer))
      return { thrown: false }
    } catch (error) {
      return { thrown: true, text: error.message, code: Number.isNaN(error.data) ? null : error.data }
    }
  },
  // A group operation of client `id` that the server refuses: the error Baileys raised (text, and code as data).
  'iq.groupFailure': async ({ id, operation, group }) => {
    const sock = simClient(id).sock
    try {
      if (operation === 'metadata') await sock.groupMetadata(group)
      else await sock.groupUpdateSubject(group, 'never applied')
    } catch (error) {
      return { text: error.message, code: error.data ?? null }
    }
    throw new Error(`group ${operation} of ${group} succeeded`)
  },
  // Records every frame client `id` receives from now on, as its socket decoded it.
  'iq.recordReceived': async ({ id }) => {
    const frames = []
    received.set(id, frames)
    simClient(id).sock.ws.on('frame', frame => frames.push(frame))
  },
  // The answer client `id` received to its iq `iqId`, in Baileys' encoding.
  'iq.receivedAnswer': async ({ id, iqId }) => {
    const frame = (received.get(id) ?? []).find(f => f.tag === 'iq' && f.attrs.id === iqId)
    if (!frame) throw new Error(`client ${id} received no answer to iq ${iqId}`)
    return encode(frame)
  },
  // What the whole client's own operations return, for the answers parsed inside its socket's closures.
  'iq.onWhatsApp': async ({ id, phones }) => (await simClient(id).sock.onWhatsApp(...phones)).map(r => ({ jid: r.jid, exists: r.exists })),
  'iq.getUSyncDevices': async ({ id, jids }) =>
    (await simClient(id).sock.getUSyncDevices(jids, false, false)).map(d => ({ user: d.user, device: d.device, server: d.server })),
  'iq.refreshMediaConn': async ({ id }) => {
    const conn = await simClient(id).sock.refreshMediaConn(true)
    return { auth: conn.auth, ttl: conn.ttl, hosts: conn.hosts.map(h => h.hostname) }
  },
  'iq.groupLeave': async ({ id, group }) => { await simClient(id).sock.groupLeave(group) },
  // The client's own public keys, which its pairing-code iqs carry.
  'iq.clientKeys': async ({ id }) => {
    const { creds } = simClient(id)
    return { noiseKey: toB64(creds.noiseKey.public), identityKey: toB64(creds.signedIdentityKey.public) }
  }
}
