// Baileys' media crypto as the peer for ours: its encryptedStream (writes a temp file), its key expansion, and its
// download path (downloadContentFromMessage), fed from a loopback HTTP server that serves the blobs we hand it.
import { createServer } from 'node:http'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { readFile, unlink } from 'node:fs/promises'
import { MEDIA_HKDF_KEY_MAPPING } from 'baileys/lib/Defaults/index.js'
import {
  downloadContentFromMessage, encryptedStream, getMediaKeys, hkdfInfoKey
} from 'baileys/lib/Utils/messages-media.js'
import { fromB64, toB64 } from './util.mjs'

// Serves blobs[i] at /media/i for the duration of fn(baseUrl).
const withBlobServer = async (blobs, fn) => {
  const server = createServer((req, res) => {
    const blob = blobs[Number(req.url.split('/').pop())]
    if (!blob) { res.writeHead(404).end(); return }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length })
    res.end(blob)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    return await fn(`http://127.0.0.1:${server.address().port}/media/`)
  } finally {
    server.close()
    server.closeAllConnections()
  }
}

const drain = async stream => {
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks)
}

// Encrypts with Baileys and returns what its message would carry, plus the blob it wrote (its temp file is removed).
const baileysEncrypt = async (plaintext, type) => {
  const result = await encryptedStream(plaintext, type)
  try {
    return { ...result, blob: await readFile(result.encFilePath) }
  } finally {
    await unlink(result.encFilePath)
  }
}

// Baileys' download path, pointed at our loopback server by URL (a directPath would force https).
const baileysDownload = (mediaKey, type, url) => downloadContentFromMessage({ mediaKey, url }, type).then(drain)

export const ops = {
  'media.types': async () => Object.keys(MEDIA_HKDF_KEY_MAPPING).map(type => ({ type, info: hkdfInfoKey(type) })),
  'media.keys': async ({ items }) => Promise.all(items.map(async ({ mediaKey, type }) => {
    const { iv, cipherKey, macKey } = await getMediaKeys(fromB64(mediaKey), type)
    return { iv: toB64(iv), cipherKey: toB64(cipherKey), macKey: toB64(macKey) }
  })),
  'media.encrypt': async ({ items }) => {
    const out = []
    for (const { type, plaintext } of items) {
      const r = await baileysEncrypt(fromB64(plaintext), type)
      out.push({
        mediaKey: toB64(r.mediaKey), blob: toB64(r.blob), mac: toB64(r.mac), fileSha256: toB64(r.fileSha256),
        fileEncSha256: toB64(r.fileEncSha256), fileLength: r.fileLength
      })
    }
    return out
  },
  // Each item's plaintext as Baileys decrypts it, or the error it raised.
  'media.decrypt': async ({ items }) => withBlobServer(items.map(i => fromB64(i.blob)), async baseUrl => {
    const out = []
    for (const [i, { type, mediaKey }] of items.entries()) {
      try {
        out.push({ plaintext: toB64(await baileysDownload(fromB64(mediaKey), type, baseUrl + i)) })
      } catch (error) {
        out.push({ error: String(error?.message ?? error) })
      }
    }
    return out
  }),
  // MB/s of Baileys' own encrypt (encryptedStream, to its temp file) and decrypt (downloadContentFromMessage, here
  // reading the blob from memory: fetch answers from the buffer so no socket is timed) over `size` random bytes.
  'media.bench': async ({ size, rounds }) => {
    const plaintext = randomBytes(size)
    const megabytes = size * rounds / (1024 * 1024)

    await baileysEncrypt(plaintext, 'video')
    let start = process.hrtime.bigint()
    let last
    for (let r = 0; r < rounds; r++) last = await baileysEncrypt(plaintext, 'video')
    const encryptSeconds = Number(process.hrtime.bigint() - start) / 1e9

    const realFetch = globalThis.fetch
    globalThis.fetch = async () => new Response(last.blob)
    try {
      const decrypt = async () => {
        const out = await baileysDownload(last.mediaKey, 'video', 'http://media.invalid/blob')
        if (out.length !== size) throw new Error(`Baileys decrypted ${out.length} bytes, expected ${size}`)
      }
      await decrypt()
      start = process.hrtime.bigint()
      for (let r = 0; r < rounds; r++) await decrypt()
      const decryptSeconds = Number(process.hrtime.bigint() - start) / 1e9
      return { encryptMBps: megabytes / encryptSeconds, decryptMBps: megabytes / decryptSeconds }
    } finally {
      globalThis.fetch = realFetch
    }
  }
}
