// Baileys' WAProto as the oracle for our protobuf schema.
// Schema facts come from WAProto.proto loaded with full protobufjs (reflection); every byte string is produced or
// read by Baileys' own generated code (`proto.X.encode/decode`), so the C# side is checked against what Baileys ships.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'
import { proto } from 'baileys/WAProto/index.js'
import { fromB64, toB64 } from './util.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const schema = protobuf.loadSync(path.join(here, '..', 'node_modules', 'baileys', 'WAProto', 'WAProto.proto'))
schema.resolveAll()

const lookup = fullName => schema.lookup('.' + fullName)
const staticType = fullName => fullName.split('.').slice(1).reduce((scope, part) => scope?.[part], proto)
const nameOf = reflected => reflected.fullName.replace(/^\./, '')
const realOneof = field => (field.partOf && !field.options?.proto3_optional ? field.partOf : null)

// Field presence as protobuf defines it: repeated, explicit (optional, message, oneof member) or implicit.
const presenceOf = field => {
  if (field.repeated || field.map) return 'repeated'
  if (field.options?.proto3_optional || field.resolvedType instanceof protobuf.Type || realOneof(field)) return 'explicit'
  return 'implicit'
}

const describe = fullName => {
  const reflected = lookup(fullName)
  if (reflected instanceof protobuf.Enum) {
    return { kind: 'enum', values: Object.entries(reflected.values).map(([name, number]) => ({ name, number })) }
  }
  if (!(reflected instanceof protobuf.Type)) return null
  return {
    kind: 'message',
    fields: reflected.fieldsArray.map(field => ({
      name: field.name,
      number: field.id,
      type: field.resolvedType ? nameOf(field.resolvedType) : field.type,
      typeKind: field.resolvedType instanceof protobuf.Type ? 'message' : field.resolvedType ? 'enum' : 'scalar',
      // proto3 requires a zero first value; WAProto has a few enums without one, which only proto2 could declare.
      enumWithoutZero: field.resolvedType instanceof protobuf.Enum && !Object.values(field.resolvedType.values).includes(0),
      repeated: field.repeated || !!field.map,
      proto3Optional: !!field.options?.proto3_optional,
      oneof: realOneof(field)?.name ?? null
    }))
  }
}

// xorshift32, seeded, so a failing case replays from its seed.
const random = seed => {
  let state = seed | 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4294967296
  }
}

// Edge values first (limits, zero, sign) plus a random one; zero doubles as "explicit default".
const SCALARS = {
  int32: r => pick(r, [0, 1, -1, 2147483647, -2147483648, Math.floor(r() * 2 ** 31) - 2 ** 30]),
  sint32: r => pick(r, [0, 1, -1, 2147483647, -2147483648, Math.floor(r() * 2 ** 31) - 2 ** 30]),
  sfixed32: r => pick(r, [0, 1, -1, 2147483647, -2147483648, Math.floor(r() * 2 ** 31) - 2 ** 30]),
  uint32: r => pick(r, [0, 1, 127, 128, 4294967295, Math.floor(r() * 2 ** 32)]),
  fixed32: r => pick(r, [0, 1, 4294967295, Math.floor(r() * 2 ** 32)]),
  int64: r => pick(r, ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', randomDigits(r, 18, true)]),
  sint64: r => pick(r, ['0', '-1', '9223372036854775807', '-9223372036854775808', randomDigits(r, 18, true)]),
  sfixed64: r => pick(r, ['0', '-1', '9223372036854775807', '-9223372036854775808', randomDigits(r, 18, true)]),
  uint64: r => pick(r, ['0', '1', '4294967296', '18446744073709551615', '9007199254740993', randomDigits(r, 19, false)]),
  fixed64: r => pick(r, ['0', '1', '18446744073709551615', randomDigits(r, 19, false)]),
  bool: r => r() < 0.5,
  double: r => pick(r, [0, 1.5, -2.25, 1e300, -5e-324, Math.floor(r() * 1e9) / 1024]),
  float: r => pick(r, [0, 1.5, -0.25, 3.4028234663852886e38, Math.floor(r() * 1e6) / 64]),
  string: r => pick(r, ['', 'a', 'héllo wörld', '🙂 emoji ✓', '1234567890@s.whatsapp.net', 'x'.repeat(200), 'line\nbreak']),
  bytes: r => toB64(Buffer.from(Array.from({ length: pick(r, [0, 1, 32, Math.floor(r() * 80)]) }, () => Math.floor(r() * 256))))
}
const pick = (r, values) => values[Math.floor(r() * values.length)]
const randomDigits = (r, length, signed) => {
  let digits = String(1 + Math.floor(r() * 8))
  while (digits.length < length) digits += Math.floor(r() * 10)
  return (signed && r() < 0.5 ? '-' : '') + digits
}

// A richly populated plain object for `type`, touching only fields whose message or enum types are in `known` (our
// schema trims a few deep sub-messages). One member per real oneof; nesting stops at `depth`.
const populate = (type, known, r, depth, only) => {
  const object = {}
  const chosenOneofs = new Map()
  for (const oneof of type.oneofsArray.filter(o => !o.fieldsArray.every(f => f.options?.proto3_optional))) {
    const members = oneof.fieldsArray.filter(f => usable(f, known))
    if (members.length) chosenOneofs.set(oneof.name, pick(r, members).name)
  }
  for (const field of type.fieldsArray) {
    if (only && field.name !== only) continue
    if (!usable(field, known) || field.map) continue
    const oneof = realOneof(field)
    if (oneof && chosenOneofs.get(oneof.name) !== field.name) continue
    const isMessage = field.resolvedType instanceof protobuf.Type
    if (isMessage && depth <= 0) continue
    if (!only && r() < 0.2) continue
    const make = () => valueOf(field, known, r, depth)
    object[field.name] = field.repeated ? Array.from({ length: 1 + Math.floor(r() * 3) }, make) : make()
  }
  return object
}
const usable = (field, known) => !field.resolvedType || known.has(nameOf(field.resolvedType))
const valueOf = (field, known, r, depth) => {
  if (field.resolvedType instanceof protobuf.Type) return populate(field.resolvedType, known, r, depth - 1)
  if (field.resolvedType instanceof protobuf.Enum) return pick(r, Object.values(field.resolvedType.values))
  return SCALARS[field.type](r)
}

// Canonical form shared with the C# side: present fields only, longs as decimal strings, bytes as base64, enums as
// numbers. Implicit-presence scalars at their default are "absent" by protobuf's rules, so they are dropped here.
const canonical = (type, object) => {
  const result = {}
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(object, field.name)) continue
    let value = object[field.name]
    if (field.repeated && value.length === 0) continue
    if (presenceOf(field) === 'implicit' && isDefault(value)) continue
    if (field.resolvedType instanceof protobuf.Type) {
      value = field.repeated ? value.map(v => canonical(field.resolvedType, v)) : canonical(field.resolvedType, value)
    }
    result[field.name] = value
  }
  return result
}
const isDefault = value => value === 0 || value === '0' || value === false || value === ''
const TO_OBJECT = { longs: String, bytes: String, enums: Number, defaults: false }
const decodeCanonical = (fullName, bytes) => {
  const generated = staticType(fullName)
  return canonical(lookup(fullName), generated.toObject(generated.decode(bytes), TO_OBJECT))
}

// Representative payloads for the benchmark: a quoted, mentioning text message as a phone sends it, and a history
// sync chunk of such messages.
const typicalMessage = () => ({
  extendedTextMessage: {
    text: 'Are we still on for tomorrow at 10? Bringing the documents @4915112345678',
    contextInfo: {
      stanzaId: '3EB0C5A8F1D2E3B4A5C6',
      participant: '4915112345678@s.whatsapp.net',
      quotedMessage: { conversation: 'See you at the office, I will book the room.' },
      mentionedJid: ['4915112345678@s.whatsapp.net'],
      expiration: 604800
    }
  },
  messageContextInfo: {
    deviceListMetadata: { senderKeyHash: Buffer.alloc(10, 7), senderTimestamp: 1732700000, recipientKeyHash: Buffer.alloc(10, 9), recipientTimestamp: 1732600000 },
    deviceListMetadataVersion: 2,
    messageSecret: Buffer.alloc(32, 3)
  }
})
const typicalHistorySync = () => ({
  syncType: 3,
  chunkOrder: 1,
  progress: 40,
  conversations: Array.from({ length: 20 }, (_, c) => ({
    id: `49151${String(c).padStart(8, '0')}@s.whatsapp.net`,
    name: `Contact ${c}`,
    unreadCount: c % 4,
    conversationTimestamp: 1732700000 + c,
    messages: Array.from({ length: 50 }, (_, m) => ({
      msgOrderId: m,
      message: {
        key: { remoteJid: `49151${String(c).padStart(8, '0')}@s.whatsapp.net`, fromMe: m % 2 === 0, id: `3EB0${String(m).padStart(16, '0')}` },
        message: typicalMessage(),
        messageTimestamp: 1732700000 + m,
        status: 4,
        pushName: 'Alice'
      }
    }))
  })),
  pushnames: Array.from({ length: 20 }, (_, c) => ({ id: `49151${String(c).padStart(8, '0')}@s.whatsapp.net`, pushname: `Contact ${c}` }))
})
const timed = (count, fn) => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) fn()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { count, seconds, perSecond: count / seconds }
}

export const ops = {
  // Schema of each named type as Baileys defines it, or null when Baileys has no such type.
  'proto.describe': async ({ names }) => Object.fromEntries(names.map(n => [n, describe(n)])),

  // Seeded samples of `type` encoded by Baileys, each with its canonical value (read back through Baileys' decoder).
  // `only` restricts the top level to one field (one Message kind at a time).
  'proto.samples': async ({ type, known, count, seed, depth, only }) => {
    const reflected = lookup(type)
    const generated = staticType(type)
    const knownSet = new Set(known)
    const r = random(seed)
    return Array.from({ length: count }, () => {
      const bytes = generated.encode(generated.fromObject(populate(reflected, knownSet, r, depth, only))).finish()
      return { bytes: toB64(bytes), canonical: decodeCanonical(type, bytes) }
    })
  },

  // Canonical values of byte strings produced elsewhere (our C# encoder), read by Baileys' decoder.
  'proto.decode': async ({ type, items }) => items.map(b64 => decodeCanonical(type, fromB64(b64))),

  'proto.benchPayloads': async () => ({
    message: toB64(proto.Message.encode(proto.Message.fromObject(typicalMessage())).finish()),
    historySync: toB64(proto.HistorySync.encode(proto.HistorySync.fromObject(typicalHistorySync())).finish())
  }),

  // Baileys' decode and encode rates for one payload (decoded once up front for the encode loop).
  'proto.bench': async ({ type, bytes, count }) => {
    const generated = staticType(type)
    const input = fromB64(bytes)
    const decoded = generated.decode(input)
    return {
      decode: timed(count, () => generated.decode(input)),
      encode: timed(count, () => generated.encode(decoded).finish())
    }
  }
}
