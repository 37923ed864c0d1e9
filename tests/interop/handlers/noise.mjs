// Baileys' own noise handler as a WhatsApp client, over a TCP socket to our responder: the peer for our Noise code.
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { proto } from 'baileys/WAProto/index.js'
import { DEFAULT_CONNECTION_CONFIG, NOISE_WA_HEADER, WA_CERT_DETAILS } from 'baileys/lib/Defaults/index.js'
import { makeNoiseHandler } from 'baileys/lib/Utils/noise-handler.js'
import { aesDecryptGCM, Curve, hkdf } from 'baileys/lib/Utils/crypto.js'
import { generateLoginNode } from 'baileys/lib/Utils/validate-connection.js'
import { encodeBinaryNode } from 'baileys/lib/WABinary/index.js'
import { fromB64, setCertificateRoot, toB64 } from './util.mjs'

const whatsAppRoot = toB64(WA_CERT_DETAILS.PUBLIC_KEY)
const quietLogger = { level: 'silent', child: () => quietLogger, trace () {}, debug () {}, info () {}, warn () {}, error () {} }
const frameTimeoutMs = 20000

// A TCP connection whose inbound bytes go through Baileys' decodeFrame, as its socket does with WebSocket messages.
const connect = (port, noise) => new Promise((resolve, reject) => {
  const socket = net.connect(port, '127.0.0.1')
  const frames = []
  const waiters = []
  let closed = false
  let decoding = Promise.resolve()
  const deliver = frame => {
    const waiter = waiters.shift()
    if (waiter) waiter.resolve(frame)
    else frames.push(frame)
  }
  const fail = error => {
    closed = true
    while (waiters.length) waiters.shift().reject(error)
  }
  socket.on('data', data => {
    decoding = decoding.then(() => noise.decodeFrame(data, deliver)).catch(error => { fail(error); socket.destroy() })
  })
  socket.on('close', () => fail(new Error('connection closed')))
  socket.on('error', error => fail(error))
  socket.once('connect', () => resolve({
    socket,
    send: bytes => socket.write(noise.encodeFrame(bytes)),
    next: () => {
      if (frames.length) return Promise.resolve(frames.shift())
      if (closed) return Promise.reject(new Error('connection closed'))
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame within timeout')), frameTimeoutMs)
        waiters.push({ resolve: f => { clearTimeout(timer); resolve(f) }, reject: e => { clearTimeout(timer); reject(e) } })
      })
    },
    closed: () => closed ? Promise.resolve() : new Promise(resolve => socket.once('close', resolve))
  }))
  socket.once('error', reject)
})

// What Baileys' validateConnection does: clientHello, processHandshake(serverHello, noiseKey), clientFinish, finishInit.
const handshake = async ({ port, rootPublicKey, routingInfo }) => {
  setCertificateRoot(rootPublicKey ?? whatsAppRoot)
  const noiseKey = Curve.generateKeyPair()
  const ephemeral = Curve.generateKeyPair()
  const noise = makeNoiseHandler({
    keyPair: ephemeral,
    NOISE_HEADER: NOISE_WA_HEADER,
    logger: quietLogger,
    routingInfo: routingInfo ? fromB64(routingInfo) : undefined
  })
  const conn = await connect(port, noise)
  conn.send(proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish())
  const serverHello = proto.HandshakeMessage.decode(await conn.next())
  let keyEnc
  try {
    keyEnc = noise.processHandshake(serverHello, noiseKey)
  } catch (error) {
    conn.socket.destroy()
    return { conn, error: String(error?.message ?? error) }
  }
  const payload = proto.ClientPayload.encode(generateLoginNode('5511987654321:7@s.whatsapp.net', DEFAULT_CONNECTION_CONFIG)).finish()
  conn.send(proto.HandshakeMessage.encode({ clientFinish: { static: keyEnc, payload: noise.encrypt(payload) } }).finish())
  await noise.finishInit()
  return { conn, noise, noiseKey, payload }
}

const messageNode = i => encodeBinaryNode({
  tag: 'message',
  attrs: { id: `3EB0${i.toString(16).padStart(8, '0')}`, to: 's.whatsapp.net', type: 'text' },
  content: randomBytes(1 + (i * 37) % 400)
})

// Baileys' transport cost per frame: encodeFrame (encrypt with its TransportState, prefix the length) on one side,
// then cutting the frame and aesDecryptGCM with the counter nonce, as TransportState.decrypt does, on the other.
const bench = async ({ count, size }) => {
  const noise = makeNoiseHandler({ keyPair: Curve.generateKeyPair(), NOISE_HEADER: NOISE_WA_HEADER, logger: quietLogger })
  await noise.finishInit()
  // Without a handshake the chaining key is still the protocol name, so the write key is derivable here.
  const writeKey = hkdf(Buffer.alloc(0), 64, { salt: Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0'), info: '' }).subarray(0, 32)
  noise.encodeFrame(Buffer.alloc(1)) // the intro goes out with the first frame only
  let readCounter = 1
  const iv = new Uint8Array(12)
  const plaintext = randomBytes(size)
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const frame = noise.encodeFrame(plaintext)
    const length = (frame[0] << 16) | (frame[1] << 8) | frame[2]
    new DataView(iv.buffer).setUint32(8, readCounter++)
    const decrypted = aesDecryptGCM(frame.subarray(3, 3 + length), writeKey, iv, Buffer.alloc(0))
    if (decrypted.length !== size) throw new Error('bench frame did not round-trip')
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { frames: count, seconds, perSecond: count / seconds }
}

export const ops = {
  'noise.bench': bench,
  // Baileys' encodeFrame before the handshake (plain frames): the intro, then each payload length-prefixed.
  'noise.baileysEncodeFrames': async ({ payloads, routingInfo }) => {
    const noise = makeNoiseHandler({
      keyPair: Curve.generateKeyPair(),
      NOISE_HEADER: NOISE_WA_HEADER,
      logger: quietLogger,
      routingInfo: routingInfo ? fromB64(routingInfo) : undefined
    })
    return toB64(Buffer.concat(payloads.map(p => noise.encodeFrame(fromB64(p)))))
  },
  // Baileys' decodeFrame before the handshake, fed chunk by chunk: the whole frames it yields.
  'noise.baileysDecodeFrames': async ({ chunks }) => {
    const noise = makeNoiseHandler({ keyPair: Curve.generateKeyPair(), NOISE_HEADER: NOISE_WA_HEADER, logger: quietLogger })
    const frames = []
    for (const chunk of chunks) await noise.decodeFrame(fromB64(chunk), frame => frames.push(toB64(frame)))
    return frames
  },
  // Handshake, then `frames` Baileys-encoded nodes sent; each echo is decoded by Baileys and compared with what was sent.
  'noise.baileysEcho': async ({ port, rootPublicKey, routingInfo, frames }) => {
    const { conn, error, noiseKey, payload } = await handshake({ port, rootPublicKey, routingInfo })
    if (error) return { error }
    const sent = []
    for (let i = 0; i < frames; i++) {
      const bytes = messageNode(i)
      sent.push(bytes)
      conn.send(bytes)
    }
    let mismatches = 0
    for (let i = 0; i < frames; i++) {
      const node = await conn.next()
      if (!Buffer.from(encodeBinaryNode(node)).equals(Buffer.from(sent[i]))) mismatches++
    }
    conn.socket.end()
    return {
      noisePublicKey: toB64(noiseKey.public),
      clientPayload: toB64(payload),
      sent: sent.map(toB64),
      received: frames,
      mismatches
    }
  },
  // Handshake, `before` good frames, then one frame with a flipped ciphertext bit; reports when the server hangs up.
  'noise.baileysTamper': async ({ port, rootPublicKey, before }) => {
    const { conn, error, noise } = await handshake({ port, rootPublicKey })
    if (error) return { error }
    for (let i = 0; i < before; i++) conn.send(messageNode(i))
    const frame = noise.encodeFrame(messageNode(before))
    frame[frame.length - 1] ^= 0x01
    conn.socket.write(frame)
    await conn.closed()
    return { sent: before + 1 }
  },
  // Just the handshake: reports Baileys' verdict on our certificate chain.
  'noise.baileysHandshake': async ({ port, rootPublicKey }) => {
    const { conn, error } = await handshake({ port, rootPublicKey })
    if (!error) conn.socket.end()
    return { error: error ?? null }
  },
  // A ClientHello cut short, then the connection closed.
  'noise.baileysTruncatedHello': async ({ port, keep }) => {
    const noise = makeNoiseHandler({ keyPair: Curve.generateKeyPair(), NOISE_HEADER: NOISE_WA_HEADER, logger: quietLogger })
    const conn = await connect(port, noise)
    const frame = noise.encodeFrame(proto.HandshakeMessage.encode({ clientHello: { ephemeral: Curve.generateKeyPair().public } }).finish())
    conn.socket.end(frame.subarray(0, keep))
    await conn.closed()
    return { written: keep, full: frame.length }
  }
}
