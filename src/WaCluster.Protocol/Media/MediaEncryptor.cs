using System.Buffers;
using System.Security.Cryptography;

namespace WaCluster.Protocol.Media;

/// <summary>
/// Incremental media encryption: feed plaintext in chunks of any size with <see cref="Update"/>, then
/// <see cref="Finish"/> writes the padded last block and the MAC. Hashes and length are computed on the way, so
/// memory stays fixed whatever the file size. The static helpers run it over streams or whole buffers.
/// </summary>
public sealed class MediaEncryptor : IDisposable
{
    /// <summary>Room <see cref="Finish"/> needs: a full padding block and the MAC.</summary>
    public const int FinishLength = MediaCipher.BlockLength + MediaCipher.MacLength;

    private readonly byte[] _mediaKey;
    private readonly Aes _aes;
    private readonly IncrementalHash _mac;
    private readonly IncrementalHash _plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _blobHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _chain = new byte[MediaCipher.BlockLength];
    private readonly byte[] _carry = new byte[MediaCipher.BlockLength];
    private int _carryLength;
    private long _length;
    private bool _finished;

    public MediaEncryptor(ReadOnlySpan<byte> mediaKey, MediaType type)
    {
        var keys = MediaKeys.Expand(mediaKey, type);
        _mediaKey = mediaKey.ToArray();
        _aes = Aes.Create();
        _aes.Key = keys.CipherKey.ToArray();
        keys.Iv.CopyTo(_chain);
        _mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey);
        _mac.AppendData(keys.Iv);
    }

    /// <summary>Most ciphertext one <see cref="Update"/> of <paramref name="plaintextLength"/> bytes can write.</summary>
    public static int MaxUpdateLength(int plaintextLength) => (plaintextLength + MediaCipher.BlockLength - 1) & ~(MediaCipher.BlockLength - 1);

    /// <summary>Encrypts the whole blocks available so far; returns how many ciphertext bytes it wrote.</summary>
    public int Update(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        ThrowIfFinished();
        var carried = _carryLength;
        var output = (carried + plaintext.Length) & ~(MediaCipher.BlockLength - 1);
        if (destination.Length < output) throw new ArgumentException($"destination needs {output} bytes", nameof(destination));
        _plainHash.AppendData(plaintext);
        _length += plaintext.Length;

        var written = 0;
        if (carried > 0)
        {
            var fill = Math.Min(MediaCipher.BlockLength - carried, plaintext.Length);
            plaintext[..fill].CopyTo(_carry.AsSpan(carried));
            plaintext = plaintext[fill..];
            _carryLength = carried += fill;
            if (carried < MediaCipher.BlockLength) return 0;
            written = EncryptBlocks(_carry, destination);
            _carryLength = 0;
        }
        var whole = plaintext.Length & ~(MediaCipher.BlockLength - 1);
        if (whole > 0) written += EncryptBlocks(plaintext[..whole], destination[written..]);
        plaintext[whole..].CopyTo(_carry);
        _carryLength = plaintext.Length - whole;
        return written;
    }

    /// <summary>Writes the padded last block and the MAC (<see cref="FinishLength"/> bytes) and returns the hashes.</summary>
    public EncryptedMedia Finish(Span<byte> destination)
    {
        ThrowIfFinished();
        if (destination.Length < FinishLength) throw new ArgumentException($"destination needs {FinishLength} bytes", nameof(destination));
        _finished = true;
        var last = destination[..MediaCipher.BlockLength];
        _aes.EncryptCbc(_carry.AsSpan(0, _carryLength), _chain, last, PaddingMode.PKCS7);
        _mac.AppendData(last);
        _blobHash.AppendData(last);

        Span<byte> fullMac = stackalloc byte[32];
        _mac.GetHashAndReset(fullMac);
        var mac = fullMac[..MediaCipher.MacLength];
        mac.CopyTo(destination[MediaCipher.BlockLength..]);
        _blobHash.AppendData(mac);
        return new EncryptedMedia(_mediaKey, _plainHash.GetHashAndReset(), _blobHash.GetHashAndReset(), mac.ToArray(), _length);
    }

    /// <summary>Encrypts a whole small payload (thumbnails, history or app-state blobs) into <c>ciphertext ‖ mac</c>.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> mediaKey, MediaType type, out EncryptedMedia result)
    {
        using var encryptor = new MediaEncryptor(mediaKey, type);
        var blob = new byte[MediaCipher.EncryptedLength(plaintext.Length)];
        var written = encryptor.Update(plaintext, blob);
        result = encryptor.Finish(blob.AsSpan(written));
        return blob;
    }

    /// <summary>
    /// Streams <paramref name="plaintext"/> to <paramref name="destination"/> as <c>ciphertext ‖ mac</c> through
    /// fixed-size buffers, under a new random media key (returned in the result).
    /// </summary>
    public static Task<EncryptedMedia> EncryptAsync(Stream plaintext, Stream destination, MediaType type, CancellationToken cancellationToken = default) =>
        EncryptAsync(plaintext, destination, MediaKeys.GenerateMediaKey(), type, cancellationToken);

    public static async Task<EncryptedMedia> EncryptAsync(Stream plaintext, Stream destination, byte[] mediaKey, MediaType type, CancellationToken cancellationToken = default)
    {
        using var encryptor = new MediaEncryptor(mediaKey, type);
        var input = ArrayPool<byte>.Shared.Rent(MediaCipher.ChunkLength);
        var output = ArrayPool<byte>.Shared.Rent(MediaCipher.ChunkLength + MediaCipher.BlockLength);
        try
        {
            int read;
            while ((read = await plaintext.ReadAsync(input.AsMemory(0, MediaCipher.ChunkLength), cancellationToken)) > 0)
            {
                var written = encryptor.Update(input.AsSpan(0, read), output);
                if (written > 0) await destination.WriteAsync(output.AsMemory(0, written), cancellationToken);
            }
            var result = encryptor.Finish(output);
            await destination.WriteAsync(output.AsMemory(0, FinishLength), cancellationToken);
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input, clearArray: true);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    public void Dispose()
    {
        _finished = true;
        _aes.Dispose();
        _mac.Dispose();
        _plainHash.Dispose();
        _blobHash.Dispose();
        CryptographicOperations.ZeroMemory(_carry);
    }

    private void ThrowIfFinished()
    {
        if (_finished) throw new InvalidOperationException("this media encryption has finished");
    }

    private int EncryptBlocks(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        var written = _aes.EncryptCbc(plaintext, _chain, destination, PaddingMode.None);
        var ciphertext = destination[..written];
        ciphertext[^MediaCipher.BlockLength..].CopyTo(_chain);
        _mac.AppendData(ciphertext);
        _blobHash.AppendData(ciphertext);
        return written;
    }
}
