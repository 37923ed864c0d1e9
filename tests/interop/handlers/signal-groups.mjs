// Baileys' group cipher (sender keys) as the peer for our Groups code. Each "party" has its own sender key store that
// persists records as JSON like Baileys' signal repository, so a failed decrypt that never reaches storeSenderKey
// leaves nothing behind. Buffers are written with BufferJSON.replacer: plain JSON.stringify (what the repository
// does) turns the skipped message key seeds into objects that SenderKeyRecord.deserialize does not revive, and
// out-of-order messages then fail with "Expected Buffer".
import { GroupCipher, GroupSessionBuilder, SenderKeyDistributionMessage, SenderKeyName, SenderKeyRecord } from 'baileys/lib/Signal/Group/index.js'
import ProtocolAddress from 'libsignal/src/protocol_address.js'
import { BufferJSON } from 'baileys/lib/Utils/generics.js'
import { performance } from 'node:perf_hooks'
import { fromB64, toB64 } from './util.mjs'

const parties = new Map()

const jsonStore = () => {
  const records = new Map()
  return {
    records,
    loadSenderKey: async name => {
      const json = records.get(name.toString())
      return json ? SenderKeyRecord.deserialize(Buffer.from(json, 'utf-8')) : new SenderKeyRecord()
    },
    storeSenderKey: async (name, record) => {
      records.set(name.toString(), JSON.stringify(record.serialize(), BufferJSON.replacer))
    }
  }
}

// Keeps live record objects: the cipher alone, without Baileys' per-operation JSON round trip.
const objectStore = () => {
  const records = new Map()
  return {
    loadSenderKey: async name => records.get(name.toString()) ?? new SenderKeyRecord(),
    storeSenderKey: async (name, record) => { records.set(name.toString(), record) }
  }
}

const storeOf = party => {
  if (!parties.has(party)) parties.set(party, jsonStore())
  return parties.get(party)
}

const nameOf = ({ group, sender }) => new SenderKeyName(group, new ProtocolAddress(sender.name, sender.device))

const benchLoop = async (store, count, size) => {
  const name = new SenderKeyName('bench@g.us', new ProtocolAddress('111', 1))
  const receiverStore = store()
  const senderStore = store()
  const distribution = await new GroupSessionBuilder(senderStore).create(name)
  await new GroupSessionBuilder(receiverStore).process(name,
    new SenderKeyDistributionMessage(null, null, null, null, distribution.serialize()))
  const sender = new GroupCipher(senderStore, name)
  const receiver = new GroupCipher(receiverStore, name)
  const plaintext = Buffer.alloc(size, 7)
  const run = async n => {
    for (let i = 0; i < n; i++) {
      const message = await sender.encrypt(plaintext)
      await receiver.decrypt(message)
    }
  }
  await run(Math.min(50, count))
  const start = performance.now()
  await run(count)
  return count / ((performance.now() - start) / 1000)
}

export const ops = {
  'groups.reset': async () => { parties.clear(); return true },
  // GroupSessionBuilder.create: our distribution message for (group, sender), creating the key on first use.
  'groups.create': async ({ party, group, sender }) =>
    toB64((await new GroupSessionBuilder(storeOf(party)).create(nameOf({ group, sender }))).serialize()),
  // Forgets the sender's key and makes a new one (a new key id), as a client does after a member leaves.
  'groups.rotate': async ({ party, group, sender }) => {
    const name = nameOf({ group, sender })
    storeOf(party).records.delete(name.toString())
    return toB64((await new GroupSessionBuilder(storeOf(party)).create(name)).serialize())
  },
  'groups.process': async ({ party, group, sender, distribution }) => {
    const message = new SenderKeyDistributionMessage(null, null, null, null, fromB64(distribution))
    await new GroupSessionBuilder(storeOf(party)).process(nameOf({ group, sender }), message)
    return { id: message.getId(), iteration: message.getIteration() }
  },
  'groups.encrypt': async ({ party, group, sender, plaintexts }) => {
    const cipher = new GroupCipher(storeOf(party), nameOf({ group, sender }))
    const out = []
    for (const p of plaintexts) out.push(toB64(await cipher.encrypt(fromB64(p))))
    return out
  },
  // Each message's plaintext or error: one failure does not stop the batch.
  'groups.decrypt': async ({ party, group, sender, messages }) => {
    const cipher = new GroupCipher(storeOf(party), nameOf({ group, sender }))
    const results = []
    for (const m of messages) {
      try {
        results.push({ ok: true, plaintext: toB64(await cipher.decrypt(fromB64(m))) })
      } catch (error) {
        results.push({ ok: false, error: String(error?.message ?? error) })
      }
    }
    return results
  },
  // Messages per second (each encrypted by one party and decrypted by another), timed inside Node.
  'groups.bench': async ({ count, size }) => ({
    cipher: await benchLoop(objectStore, count, size),
    stored: await benchLoop(jsonStore, count, size)
  })
}
