using System.Buffers;
using System.Security.Cryptography;

namespace WaCluster.Protocol.Media;

/// <summary>
/// Incremental media decryption and verification of a <c>ciphertext ‖ mac</c> blob fed in chunks of any size.
/// <para>
/// Contract: the MAC and the hashes are only known at the end, so every plaintext byte <see cref="Update"/> writes is
/// UNVERIFIED until <see cref="Finish"/> returns a <see cref="DecryptedMedia"/>. If anything throws, the caller must
/// discard all of it. <see cref="DecryptAsync"/> keeps the same contract (hand its destination on only once it
/// returns); <see cref="DecryptToFileAsync"/> enforces it, making the file appear only for a verified blob.
/// </para>
/// </summary>
public sealed class MediaDecryptor : IDisposable
{
    // The last block (for its padding) and the MAC stay held back until the end of the blob is known.
    private const int HoldBack = MediaCipher.BlockLength + MediaCipher.MacLength;

    /// <summary>Room <see cref="Finish"/> needs: the last block's plaintext.</summary>
    public const int FinishLength = MediaCipher.BlockLength;

    private readonly Aes _aes;
    private readonly IncrementalHash _mac;
    private readonly IncrementalHash _plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MediaChecks? _checks;
    private readonly byte[] _chain = new byte[MediaCipher.BlockLength];
    private readonly byte[] _tail = new byte[HoldBack + MediaCipher.BlockLength - 1];
    private int _tailLength;
    private long _length;
    private bool _finished;

    public MediaDecryptor(ReadOnlySpan<byte> mediaKey, MediaType type, MediaChecks? checks = null)
    {
        var keys = MediaKeys.Expand(mediaKey, type);
        _aes = Aes.Create();
        _aes.Key = keys.CipherKey.ToArray();
        keys.Iv.CopyTo(_chain);
        _mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey);
        _mac.AppendData(keys.Iv);
        _checks = checks;
    }

    /// <summary>Most plaintext one <see cref="Update"/> of <paramref name="blobLength"/> bytes can write.</summary>
    public static int MaxUpdateLength(int blobLength) => blobLength + MediaCipher.BlockLength - 1;

    /// <summary>Decrypts what can be decrypted without the end of the blob; returns how many (unverified) bytes it wrote.</summary>
    public int Update(ReadOnlySpan<byte> blob, Span<byte> destination)
    {
        ThrowIfFinished();
        var held = _tailLength;
        var available = (long)held + blob.Length;
        var decryptable = available <= HoldBack ? 0 : (int)((available - HoldBack) & ~(MediaCipher.BlockLength - 1));
        if (destination.Length < decryptable) throw new ArgumentException($"destination needs {decryptable} bytes", nameof(destination));
        _blobHash.AppendData(blob);
        if (decryptable == 0)
        {
            blob.CopyTo(_tail.AsSpan(held));
            _tailLength += blob.Length;
            return 0;
        }

        var written = 0;
        var consumed = 0;
        if (held > 0)
        {
            // The held bytes start the ciphertext: complete their blocks with the head of this chunk.
            var fromTail = Math.Min(held, decryptable);
            var head = (fromTail + MediaCipher.BlockLength - 1) & ~(MediaCipher.BlockLength - 1);
            Span<byte> joined = stackalloc byte[HoldBack + 2 * MediaCipher.BlockLength];
            _tail.AsSpan(0, fromTail).CopyTo(joined);
            consumed = head - fromTail;
            blob[..consumed].CopyTo(joined[fromTail..]);
            written = DecryptBlocks(joined[..head], destination);
            if (fromTail < held)
            {
                // Short chunk: part of the held bytes is still held, followed by the whole chunk.
                _tail.AsSpan(fromTail, held - fromTail).CopyTo(_tail);
                blob.CopyTo(_tail.AsSpan(held - fromTail));
                _tailLength = held - fromTail + blob.Length;
                return written;
            }
        }
        var bulk = decryptable - written;
        if (bulk > 0) written += DecryptBlocks(blob.Slice(consumed, bulk), destination[written..]);
        consumed += bulk;
        blob[consumed..].CopyTo(_tail);
        _tailLength = blob.Length - consumed;
        return written;
    }

    /// <summary>
    /// Verifies the MAC and the expected hashes and writes the last block's plaintext (at most
    /// <see cref="FinishLength"/> bytes, count in <paramref name="written"/>). Throws <see cref="MediaException"/>
    /// if the blob is truncated, tampered with, badly padded or not the announced one.
    /// </summary>
    public DecryptedMedia Finish(Span<byte> destination, out int written)
    {
        ThrowIfFinished();
        if (destination.Length < FinishLength) throw new ArgumentException($"destination needs {FinishLength} bytes", nameof(destination));
        _finished = true;
        written = 0;
        // Every full chunk leaves 26..41 bytes held; a blob of whole blocks and a MAC leaves exactly one block and the MAC.
        if (_tailLength != HoldBack)
        {
            throw new MediaException(MediaFailure.Truncated, "media blob is not whole cipher blocks followed by a 10-byte MAC");
        }
        var last = _tail.AsSpan(0, MediaCipher.BlockLength);
        _mac.AppendData(last);
        Span<byte> mac = stackalloc byte[32];
        _mac.GetHashAndReset(mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MediaCipher.MacLength], _tail.AsSpan(MediaCipher.BlockLength, MediaCipher.MacLength)))
        {
            throw new MediaException(MediaFailure.MacMismatch, "media MAC does not match: the blob was altered or the key is wrong");
        }
        var blobHash = _blobHash.GetHashAndReset();
        if (_checks?.FileEncSha256 is { } expectedBlobHash && !blobHash.AsSpan().SequenceEqual(expectedBlobHash))
        {
            throw new MediaException(MediaFailure.FileEncSha256Mismatch, "media blob SHA-256 differs from the announced fileEncSha256");
        }
        try
        {
            written = _aes.DecryptCbc(last, _chain, destination, PaddingMode.PKCS7);
        }
        catch (CryptographicException ex)
        {
            throw new MediaException(MediaFailure.BadPadding, "media plaintext has invalid PKCS#7 padding", ex);
        }
        _plainHash.AppendData(destination[..written]);
        _length += written;
        var plainHash = _plainHash.GetHashAndReset();
        if (_checks?.FileSha256 is { } expectedPlainHash && !plainHash.AsSpan().SequenceEqual(expectedPlainHash))
        {
            throw new MediaException(MediaFailure.FileSha256Mismatch, "media plaintext SHA-256 differs from the announced fileSha256");
        }
        return new DecryptedMedia(plainHash, blobHash, _length);
    }

    /// <summary>Decrypts and verifies a whole small blob (thumbnails, history or app-state blobs); returns only verified plaintext.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> mediaKey, MediaType type, MediaChecks? checks = null)
    {
        using var decryptor = new MediaDecryptor(mediaKey, type, checks);
        var plaintext = new byte[Math.Max(blob.Length - MediaCipher.MacLength, FinishLength)];
        try
        {
            var written = decryptor.Update(blob, plaintext);
            decryptor.Finish(plaintext.AsSpan(written), out var last);
            return plaintext.AsSpan(0, written + last).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Streams a blob from <paramref name="blob"/> into <paramref name="destination"/> through fixed-size buffers.
    /// What it writes is unverified until it returns; on a <see cref="MediaException"/> (or any other) discard
    /// <paramref name="destination"/> entirely.
    /// </summary>
    public static async Task<DecryptedMedia> DecryptAsync(Stream blob, Stream destination, byte[] mediaKey, MediaType type,
        MediaChecks? checks = null, CancellationToken cancellationToken = default)
    {
        using var decryptor = new MediaDecryptor(mediaKey, type, checks);
        var input = ArrayPool<byte>.Shared.Rent(MediaCipher.ChunkLength);
        var output = ArrayPool<byte>.Shared.Rent(MaxUpdateLength(MediaCipher.ChunkLength));
        try
        {
            int read;
            while ((read = await blob.ReadAsync(input.AsMemory(0, MediaCipher.ChunkLength), cancellationToken)) > 0)
            {
                var written = decryptor.Update(input.AsSpan(0, read), output);
                if (written > 0) await destination.WriteAsync(output.AsMemory(0, written), cancellationToken);
            }
            var result = decryptor.Finish(output, out var last);
            if (last > 0) await destination.WriteAsync(output.AsMemory(0, last), cancellationToken);
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output, clearArray: true);
        }
    }

    /// <summary>
    /// Streams a blob into the file at <paramref name="path"/>, which appears only once the blob is verified: the
    /// plaintext goes to <c>path.partial</c> first, renamed on success and deleted on any failure.
    /// </summary>
    public static async Task<DecryptedMedia> DecryptToFileAsync(Stream blob, string path, byte[] mediaKey, MediaType type,
        MediaChecks? checks = null, CancellationToken cancellationToken = default)
    {
        var partial = path + ".partial";
        try
        {
            DecryptedMedia result;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                result = await DecryptAsync(blob, file, mediaKey, type, checks, cancellationToken);
            }
            File.Move(partial, path, overwrite: true);
            return result;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    public void Dispose()
    {
        _finished = true;
        _aes.Dispose();
        _mac.Dispose();
        _plainHash.Dispose();
        _blobHash.Dispose();
    }

    private void ThrowIfFinished()
    {
        if (_finished) throw new InvalidOperationException("this media decryption has finished");
    }

    private int DecryptBlocks(ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        _mac.AppendData(ciphertext);
        var written = _aes.DecryptCbc(ciphertext, _chain, destination, PaddingMode.None);
        ciphertext[^MediaCipher.BlockLength..].CopyTo(_chain);
        _plainHash.AppendData(destination[..written]);
        _length += written;
        return written;
    }
}
