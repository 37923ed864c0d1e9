// Images for the thumbnail proofs, made and inspected with sharp (the library Baileys itself uses for thumbnails),
// and Baileys' own extractImageThumb of the same images to compare against.
import sharp from 'sharp'
import { extractImageThumb } from 'baileys'
import { fromB64, toB64 } from './util.mjs'

export const ops = {
  // A noisy image of the given size and format (jpeg, png, webp).
  'media.thumb.image': async ({ width, height, format }) => {
    const image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    return toB64(await image.toFormat(format).toBuffer())
  },
  // -> { format, width, height } as sharp reads the bytes (format null when it cannot).
  'media.thumb.inspect': async ({ data }) => {
    try {
      const { format, width, height } = await sharp(fromB64(data)).metadata()
      return { format, width, height }
    } catch {
      return { format: null, width: 0, height: 0 }
    }
  },
  // -> Baileys' thumbnail of the image as sharp reads it, and the original dimensions it reports.
  'media.thumb.baileys': async ({ data }) => {
    const { buffer, original } = await extractImageThumb(fromB64(data))
    const { format, width, height } = await sharp(buffer).metadata()
    return { format, width, height, originalWidth: original.width, originalHeight: original.height }
  }
}
