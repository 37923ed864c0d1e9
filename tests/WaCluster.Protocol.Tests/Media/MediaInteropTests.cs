using System.Security.Cryptography;
using System.Text;
using WaCluster.Protocol.Media;
using WaCluster.TestSupport;

namespace WaCluster.Protocol.Tests.Media;

/// <summary>
/// Our media crypto against Baileys' own functions: its key expansion, its encryptedStream output decrypting here to
/// identical bytes and hashes, and our blobs going through its download path (served from a loopback HTTP server).
/// </summary>
[Trait("Proof", "media-interop")]
public sealed class MediaInteropTests : IAsyncLifetime
{
    // Empty, sub-block, block edges, chunk edges of our 64 KiB buffers, and a few MB with odd tails.
    private static readonly int[] Sizes =
    [
        0, 1, 9, 15, 16, 17, 26, 31, 32, 33, 100, 1000, 4095, 4096, 65_520, 65_535, 65_536, 65_537, 131_083, 1_000_003,
        3 * 1024 * 1024 + 7, 5 * 1024 * 1024 - 3,
    ];

    private NodeHarness _node = null!;

    public async Task InitializeAsync() => _node = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Every_Baileys_media_type_has_our_wire_name_and_hkdf_info()
    {
        var theirs = await _node.CallAsync<TypeDto[]>("media.types");
        var ours = MediaTypes.All.Select(t => new TypeDto(t.WireName(), Encoding.ASCII.GetString(t.HkdfInfo()))).ToArray();
        Assert.Equal(theirs.OrderBy(t => t.Type, StringComparer.Ordinal), ours.OrderBy(t => t.Type, StringComparer.Ordinal));
        Assert.All(theirs, t => Assert.True(MediaTypes.TryParse(t.Type, out var parsed) && parsed.WireName() == t.Type));
    }

    [Fact]
    public async Task Key_expansion_matches_Baileys_for_every_type()
    {
        var cases = MediaTypes.All.SelectMany(t => Enumerable.Range(0, 5).Select(_ => (type: t, key: MediaKeys.GenerateMediaKey()))).ToArray();
        var theirs = await _node.CallAsync<KeysDto[]>("media.keys", new
        {
            items = cases.Select(c => new { mediaKey = B64(c.key), type = c.type.WireName() })
        });
        for (var i = 0; i < cases.Length; i++)
        {
            var ours = MediaKeys.Expand(cases[i].key, cases[i].type);
            Assert.Equal(theirs[i].Iv, B64(ours.Iv.ToArray()));
            Assert.Equal(theirs[i].CipherKey, B64(ours.CipherKey.ToArray()));
            Assert.Equal(theirs[i].MacKey, B64(ours.MacKey.ToArray()));
        }
    }

    [Fact]
    public async Task Baileys_encrypted_media_decrypts_here_to_identical_bytes_and_hashes()
    {
        var cases = Cases(seed: 1);
        var theirs = new List<EncryptedDto>();
        foreach (var batch in Batches(cases))
        {
            theirs.AddRange(await _node.CallAsync<EncryptedDto[]>("media.encrypt", new
            {
                items = batch.Select(c => new { type = c.Type.WireName(), plaintext = B64(c.Plaintext) })
            }, TimeSpan.FromMinutes(3)));
        }

        for (var i = 0; i < cases.Length; i++)
        {
            var (type, plaintext) = cases[i];
            var t = theirs[i];
            var blob = Bytes(t.Blob);
            var mediaKey = Bytes(t.MediaKey);
            Assert.Equal(plaintext.Length, t.FileLength);
            Assert.Equal(MediaCipher.EncryptedLength(plaintext.Length), blob.Length);
            var checks = new MediaChecks(FileEncSha256: Bytes(t.FileEncSha256), FileSha256: Bytes(t.FileSha256));

            using var output = new MemoryStream();
            var result = await MediaDecryptor.DecryptAsync(new ChunkedStream(blob, i), output, mediaKey, type, checks);
            Assert.True(plaintext.AsSpan().SequenceEqual(output.ToArray()), $"{type} of {plaintext.Length} bytes decrypted differently");
            Assert.Equal(t.FileSha256, B64(result.FileSha256));
            Assert.Equal(t.FileEncSha256, B64(result.FileEncSha256));
            Assert.Equal(t.FileLength, result.FileLength);
            Assert.True(plaintext.AsSpan().SequenceEqual(MediaDecryptor.Decrypt(blob, mediaKey, type, checks)));

            // Under Baileys' key, our encryption reproduces its blob and everything its message would carry.
            using var ourBlob = new MemoryStream();
            var ours = await MediaEncryptor.EncryptAsync(new ChunkedStream(plaintext, ~i), ourBlob, mediaKey, type);
            Assert.True(blob.AsSpan().SequenceEqual(ourBlob.ToArray()), $"{type} of {plaintext.Length} bytes encrypted differently");
            Assert.Equal(t.Mac, B64(ours.Mac));
            Assert.Equal(t.FileSha256, B64(ours.FileSha256));
            Assert.Equal(t.FileEncSha256, B64(ours.FileEncSha256));
            Assert.Equal(t.FileLength, ours.FileLength);
        }
    }

    [Fact]
    public async Task Our_encrypted_media_decrypts_in_Baileys_download_path_to_identical_bytes()
    {
        var cases = Cases(seed: 2);
        var blobs = new List<(byte[] Key, byte[] Blob, EncryptedMedia Result)>();
        for (var i = 0; i < cases.Length; i++)
        {
            using var blob = new MemoryStream();
            var result = await MediaEncryptor.EncryptAsync(new ChunkedStream(cases[i].Plaintext, i), blob, cases[i].Type);
            Assert.Equal(SHA256.HashData(cases[i].Plaintext), result.FileSha256);
            Assert.Equal(SHA256.HashData(blob.ToArray()), result.FileEncSha256);
            Assert.Equal(blob.Length, result.EncryptedLength);
            blobs.Add((result.MediaKey, blob.ToArray(), result));
        }

        var offset = 0;
        foreach (var batch in Batches(cases))
        {
            var theirs = await _node.CallAsync<DecryptedDto[]>("media.decrypt", new
            {
                items = batch.Select((c, j) => new { type = c.Type.WireName(), mediaKey = B64(blobs[offset + j].Key), blob = B64(blobs[offset + j].Blob) })
            }, TimeSpan.FromMinutes(3));
            for (var j = 0; j < batch.Length; j++)
            {
                var (type, plaintext) = batch[j];
                Assert.True(theirs[j].Error is null, $"Baileys failed on our {type} of {plaintext.Length} bytes: {theirs[j].Error}");
                Assert.True(plaintext.AsSpan().SequenceEqual(Bytes(theirs[j].Plaintext!)), $"Baileys decrypted our {type} of {plaintext.Length} bytes differently");
            }
            offset += batch.Length;
        }
    }

    // Every type with several small sizes, and every size (the big ones included) with some type.
    private static (MediaType Type, byte[] Plaintext)[] Cases(int seed)
    {
        var random = new Random(seed);
        var types = MediaTypes.All;
        var small = types.SelectMany((t, i) => Sizes.Where(s => s < 70_000).Where((_, j) => (i + j) % 4 == 0).Select(s => (t, s)));
        var everySize = Sizes.Select((s, i) => (types[i % types.Count], s));
        return small.Concat(everySize).Select(c =>
        {
            var plaintext = new byte[c.Item2];
            random.NextBytes(plaintext);
            return (c.Item1, plaintext);
        }).ToArray();
    }

    // Keeps each JSON line to a few MB.
    private static IEnumerable<(MediaType Type, byte[] Plaintext)[]> Batches((MediaType Type, byte[] Plaintext)[] cases)
    {
        var batch = new List<(MediaType, byte[])>();
        long size = 0;
        foreach (var c in cases)
        {
            if (batch.Count > 0 && size + c.Plaintext.Length > 4 * 1024 * 1024)
            {
                yield return batch.ToArray();
                batch.Clear();
                size = 0;
            }
            batch.Add(c);
            size += c.Plaintext.Length;
        }
        if (batch.Count > 0) yield return batch.ToArray();
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static byte[] Bytes(string base64) => Convert.FromBase64String(base64);

    private sealed record TypeDto(string Type, string Info);

    private sealed record KeysDto(string Iv, string CipherKey, string MacKey);

    private sealed record EncryptedDto(string MediaKey, string Blob, string Mac, string FileSha256, string FileEncSha256, long FileLength);

    private sealed record DecryptedDto(string? Plaintext, string? Error);
}
