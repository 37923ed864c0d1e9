using System.Security.Cryptography;
using CsCheck;
using WaCluster.Protocol.Media;

namespace WaCluster.Protocol.Tests.Media;

/// <summary>
/// Bad blobs and keys fail with a typed <see cref="MediaException"/> and never yield a result; chunked processing
/// agrees with a whole-buffer computation done directly with the BCL.
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class MediaVerificationTests
{
    private static readonly byte[] MediaKey = MediaKeys.GenerateMediaKey();

    [Fact]
    public void Any_chunking_agrees_with_a_whole_buffer_BCL_computation()
    {
        var gen = Gen.Select(Gen.Int[0, 5000], Gen.Int[1, 300].Array[1, 40], Gen.Int[0, MediaTypes.All.Count - 1]);
        gen.Sample((length, cuts, typeIndex) =>
        {
            var type = MediaTypes.All[typeIndex];
            var plaintext = RandomNumberGenerator.GetBytes(length);
            var expected = ReferenceBlob(plaintext, MediaKey, type, padding: PaddingMode.PKCS7);

            using var encryptor = new MediaEncryptor(MediaKey, type);
            var blob = new byte[expected.Length];
            var written = 0;
            foreach (var piece in Split(plaintext, cuts)) written += encryptor.Update(piece, blob.AsSpan(written));
            var encrypted = encryptor.Finish(blob.AsSpan(written));
            Assert.Equal(expected, blob);
            Assert.Equal(SHA256.HashData(plaintext), encrypted.FileSha256);
            Assert.Equal(SHA256.HashData(expected), encrypted.FileEncSha256);

            using var decryptor = new MediaDecryptor(MediaKey, type, new MediaChecks(SHA256.HashData(expected), SHA256.HashData(plaintext)));
            var output = new byte[blob.Length + 64];
            var produced = 0;
            foreach (var piece in Split(blob, cuts))
            {
                produced += decryptor.Update(piece, output.AsSpan(produced));
                // Whatever the chunking, the last cipher block stays held back until Finish has checked the MAC.
                Assert.True(produced <= blob.Length - MediaCipher.MinimumEncryptedLength);
            }
            var decrypted = decryptor.Finish(output.AsSpan(produced), out var last);
            Assert.Equal(plaintext, output.AsSpan(0, produced + last).ToArray());
            Assert.Equal(length, decrypted.FileLength);
        }, iter: 300);
    }

    [Fact]
    public async Task Any_flipped_bit_fails_the_mac_and_yields_nothing_complete()
    {
        var plaintext = RandomNumberGenerator.GetBytes(1000);
        var blob = MediaEncryptor.Encrypt(plaintext, MediaKey, MediaType.Video, out _);
        for (var i = 0; i < blob.Length; i++)
        {
            var tampered = (byte[])blob.Clone();
            tampered[i] ^= (byte)(1 << (i % 8));
            using var output = new MemoryStream();
            var error = await Assert.ThrowsAsync<MediaException>(() =>
                MediaDecryptor.DecryptAsync(new MemoryStream(tampered), output, MediaKey, MediaType.Video));
            Assert.Equal(MediaFailure.MacMismatch, error.Failure);
            Assert.True(output.Length < plaintext.Length, "the last block must never be released before verification");
            Assert.Equal(MediaFailure.MacMismatch, Assert.Throws<MediaException>(() => MediaDecryptor.Decrypt(tampered, MediaKey, MediaType.Video)).Failure);
        }
    }

    [Fact]
    public async Task A_file_destination_appears_only_for_a_verified_blob()
    {
        var plaintext = RandomNumberGenerator.GetBytes(200_003);
        var blob = MediaEncryptor.Encrypt(plaintext, MediaKey, MediaType.Document, out var encrypted);
        var directory = Directory.CreateTempSubdirectory("media-test-");
        try
        {
            var path = Path.Combine(directory.FullName, "document");
            var tampered = (byte[])blob.Clone();
            tampered[100_000] ^= 4;
            var error = await Assert.ThrowsAsync<MediaException>(() =>
                MediaDecryptor.DecryptToFileAsync(new MemoryStream(tampered), path, MediaKey, MediaType.Document));
            Assert.Equal(MediaFailure.MacMismatch, error.Failure);
            Assert.Empty(directory.GetFiles());

            var result = await MediaDecryptor.DecryptToFileAsync(new MemoryStream(blob), path, MediaKey, MediaType.Document,
                new MediaChecks(encrypted.FileEncSha256, encrypted.FileSha256));
            Assert.Equal(plaintext, await File.ReadAllBytesAsync(path));
            Assert.Equal(plaintext.Length, result.FileLength);
            Assert.Equal(["document"], directory.GetFiles().Select(f => f.Name));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_wrong_key_or_type_fails_the_mac()
    {
        var blob = MediaEncryptor.Encrypt(RandomNumberGenerator.GetBytes(77), MediaKey, MediaType.Image, out _);
        Assert.Equal(MediaFailure.MacMismatch, Assert.Throws<MediaException>(() => MediaDecryptor.Decrypt(blob, MediaKeys.GenerateMediaKey(), MediaType.Image)).Failure);
        // Sticker shares "WhatsApp Image Keys", video does not.
        Assert.Equal(77, MediaDecryptor.Decrypt(blob, MediaKey, MediaType.Sticker).Length);
        Assert.Equal(MediaFailure.MacMismatch, Assert.Throws<MediaException>(() => MediaDecryptor.Decrypt(blob, MediaKey, MediaType.Video)).Failure);
    }

    [Fact]
    public async Task Every_truncation_is_a_typed_error()
    {
        var blob = MediaEncryptor.Encrypt(RandomNumberGenerator.GetBytes(100), MediaKey, MediaType.Audio, out _);
        for (var length = 0; length < blob.Length; length++)
        {
            var cut = blob[..length];
            var error = Assert.Throws<MediaException>(() => MediaDecryptor.Decrypt(cut, MediaKey, MediaType.Audio));
            // A cut on a block boundary leaves a well-formed blob whose "MAC" is ciphertext; anything else is misaligned.
            var aligned = length >= MediaCipher.MinimumEncryptedLength && (length - MediaCipher.MacLength) % MediaCipher.BlockLength == 0;
            Assert.Equal(aligned ? MediaFailure.MacMismatch : MediaFailure.Truncated, error.Failure);
            await Assert.ThrowsAsync<MediaException>(() =>
                MediaDecryptor.DecryptAsync(new ChunkedStream(cut, length), Stream.Null, MediaKey, MediaType.Audio));
        }
    }

    [Fact]
    public async Task Wrong_expected_hashes_are_typed_errors()
    {
        var plaintext = RandomNumberGenerator.GetBytes(300_000);
        var blob = MediaEncryptor.Encrypt(plaintext, MediaKey, MediaType.Document, out var encrypted);
        var wrong = (byte[])encrypted.FileSha256.Clone();
        wrong[5] ^= 1;

        var blobError = await Assert.ThrowsAsync<MediaException>(() => MediaDecryptor.DecryptAsync(new MemoryStream(blob), Stream.Null,
            MediaKey, MediaType.Document, new MediaChecks(FileEncSha256: encrypted.FileSha256, FileSha256: encrypted.FileSha256)));
        Assert.Equal(MediaFailure.FileEncSha256Mismatch, blobError.Failure);
        var plainError = await Assert.ThrowsAsync<MediaException>(() => MediaDecryptor.DecryptAsync(new MemoryStream(blob), Stream.Null,
            MediaKey, MediaType.Document, new MediaChecks(FileEncSha256: encrypted.FileEncSha256, FileSha256: wrong)));
        Assert.Equal(MediaFailure.FileSha256Mismatch, plainError.Failure);

        var result = await MediaDecryptor.DecryptAsync(new MemoryStream(blob), Stream.Null, MediaKey, MediaType.Document,
            new MediaChecks(encrypted.FileEncSha256, encrypted.FileSha256));
        Assert.Equal(plaintext.Length, result.FileLength);
    }

    [Fact]
    public void Bad_padding_under_a_valid_mac_is_a_typed_error()
    {
        // Blocks whose last byte is not a valid PKCS#7 pad, encrypted and MACed directly with the BCL.
        foreach (var lastBlock in new[] { Block(0), Block(17), Block(255), Block(3, 3), Block(1, 2) })
        {
            var plaintext = RandomNumberGenerator.GetBytes(32).Concat(lastBlock).ToArray();
            var blob = ReferenceBlob(plaintext, MediaKey, MediaType.Image, padding: PaddingMode.None);
            var error = Assert.Throws<MediaException>(() => MediaDecryptor.Decrypt(blob, MediaKey, MediaType.Image));
            Assert.Equal(MediaFailure.BadPadding, error.Failure);
        }
    }

    [Fact]
    public void Media_keys_that_are_not_32_bytes_are_typed_errors()
    {
        foreach (var length in new[] { 0, 16, 31, 33, 64 })
        {
            var key = new byte[length];
            Assert.Equal(MediaFailure.BadKeyLength, Assert.Throws<MediaException>(() => MediaKeys.Expand(key, MediaType.Image)).Failure);
            Assert.Equal(MediaFailure.BadKeyLength, Assert.Throws<MediaException>(() => new MediaEncryptor(key, MediaType.Image)).Failure);
            Assert.Equal(MediaFailure.BadKeyLength, Assert.Throws<MediaException>(() => MediaDecryptor.Decrypt(new byte[26], key, MediaType.Image)).Failure);
        }
    }

    [Fact]
    public void Key_material_stays_out_of_ToString()
    {
        MediaEncryptor.Encrypt([1, 2, 3], MediaKey, MediaType.Image, out var encrypted);
        var keys = MediaKeys.Expand(MediaKey, MediaType.Image);
        foreach (var text in new[] { encrypted.ToString(), keys.ToString() })
        {
            Assert.DoesNotContain(Convert.ToHexString(MediaKey), text);
            Assert.DoesNotContain(Convert.ToBase64String(MediaKey), text);
            Assert.DoesNotContain(Convert.ToHexString(keys.CipherKey), text);
        }
    }

    // ciphertext ‖ first 10 bytes of HMAC-SHA256(macKey, iv ‖ ciphertext), in one go with the BCL.
    private static byte[] ReferenceBlob(byte[] plaintext, byte[] mediaKey, MediaType type, PaddingMode padding)
    {
        var keys = MediaKeys.Expand(mediaKey, type);
        using var aes = Aes.Create();
        aes.Key = keys.CipherKey.ToArray();
        var ciphertext = aes.EncryptCbc(plaintext, keys.Iv, padding);
        var mac = HMACSHA256.HashData(keys.MacKey, [.. keys.Iv, .. ciphertext]);
        return [.. ciphertext, .. mac.AsSpan(0, MediaCipher.MacLength)];
    }

    // A random block ending in `tail`, preceded by a byte that cannot complete a valid pad.
    private static byte[] Block(params byte[] tail)
    {
        var block = RandomNumberGenerator.GetBytes(16);
        block[^(tail.Length + 1)] = 0x42;
        tail.CopyTo(block.AsSpan(16 - tail.Length));
        return block;
    }

    private static IEnumerable<byte[]> Split(byte[] data, int[] cuts)
    {
        var position = 0;
        foreach (var cut in cuts)
        {
            if (position >= data.Length) yield break;
            var size = Math.Min(cut, data.Length - position);
            yield return data[position..(position + size)];
            position += size;
        }
        if (position < data.Length) yield return data[position..];
    }
}
