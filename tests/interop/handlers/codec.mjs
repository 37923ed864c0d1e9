// Baileys' binary node codec (WABinary) and JID helpers: the peer for our Binary and Jids code.
// Nodes travel as { tag, attrs: [[key, value], ...], kind: 'none'|'children'|'bytes'|'text', children, bytes, text }.
import { deflateSync } from 'node:zlib'
import * as constants from 'baileys/lib/WABinary/constants.js'
import { encodeBinaryNode } from 'baileys/lib/WABinary/encode.js'
import { decodeBinaryNode } from 'baileys/lib/WABinary/decode.js'
import * as jids from 'baileys/lib/WABinary/jid-utils.js'
import { fromB64, toB64 } from './util.mjs'

const fromJson = json => {
  const attrs = {}
  for (const [key, value] of json.attrs) attrs[key] = value
  const node = { tag: json.tag, attrs }
  if (json.kind === 'children') node.content = json.children.map(fromJson)
  else if (json.kind === 'bytes') node.content = fromB64(json.bytes)
  else if (json.kind === 'text') node.content = json.text
  return node
}

const toJson = node => {
  const json = { tag: node.tag, attrs: Object.entries(node.attrs), kind: 'none' }
  const { content } = node
  if (Array.isArray(content)) Object.assign(json, { kind: 'children', children: content.map(toJson) })
  else if (content instanceof Uint8Array) Object.assign(json, { kind: 'bytes', bytes: toB64(content) })
  else if (typeof content === 'string') Object.assign(json, { kind: 'text', text: content })
  return json
}

// Baileys' decode of a frame and its re-encoding of the result, or the error it raised.
const decodeFrame = async frame => {
  try {
    const node = await decodeBinaryNode(frame)
    return { node: toJson(node), reencoded: toB64(encodeBinaryNode(node)) }
  } catch (error) {
    return { error: String(error?.message ?? error) }
  }
}

const compress = frame => Buffer.concat([Buffer.from([2]), deflateSync(frame.subarray(1))])

export const ops = {
  'codec.tokens': async () => ({ single: constants.SINGLE_BYTE_TOKENS, double: constants.DOUBLE_BYTE_TOKENS }),
  'codec.encode': async ({ items }) => items.map(json => toB64(encodeBinaryNode(fromJson(json)))),
  'codec.decode': async ({ items }) => Promise.all(items.map(b64 => decodeFrame(fromB64(b64)))),
  // For each node: Baileys' own encoding, its decode of ours, and its own encoding deflated (flags byte 2).
  'codec.check': async ({ items }) => Promise.all(items.map(async ({ node, ours }) => {
    const theirs = encodeBinaryNode(fromJson(node))
    return { theirs: toB64(theirs), decodedOurs: await decodeFrame(fromB64(ours)), compressed: toB64(compress(theirs)) }
  })),
  'codec.deflate': async ({ items }) => items.map(b64 => toB64(compress(fromB64(b64)))),
  // jidDecode's fields; NaN numbers come back as the string 'NaN' so that they are distinguishable from absent.
  'codec.jidDecode': async ({ items }) => items.map(text => {
    const decoded = jids.jidDecode(text)
    if (!decoded) return null
    const number = v => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v ?? null)
    const kinds = ['isPnUser', 'isLidUser', 'isJidGroup', 'isJidBroadcast', 'isJidStatusBroadcast', 'isJidNewsletter', 'isHostedPnUser', 'isHostedLidUser']
    return {
      user: decoded.user,
      server: decoded.server,
      domainType: number(decoded.domainType),
      device: number(decoded.device),
      normalized: jids.jidNormalizedUser(text),
      kinds: kinds.filter(kind => jids[kind](text))
    }
  }),
  'codec.jidEncode': async ({ items }) => items.map(({ user, server, device, agent }) =>
    jids.jidEncode(user, server, device ?? undefined, agent ?? undefined)),
  // Encode + decode round trips of one node for about durationMs, timed in Node itself: per wall second and per
  // second of CPU this process used (the fair figure on a shared machine).
  'codec.benchmark': async ({ node, durationMs }) => {
    const value = fromJson(node)
    const roundTrip = async () => decodeBinaryNode(encodeBinaryNode(value))
    for (let i = 0; i < 2000; i++) await roundTrip()
    let count = 0
    const cpuBefore = process.cpuUsage()
    const start = process.hrtime.bigint()
    const limit = BigInt(durationMs) * 1000000n
    while (process.hrtime.bigint() - start < limit) {
      for (let i = 0; i < 64; i++) await roundTrip()
      count += 64
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const cpu = process.cpuUsage(cpuBefore)
    return { opsPerSecond: count / seconds, opsPerCpuSecond: count / ((cpu.user + cpu.system) / 1e6) }
  }
}
