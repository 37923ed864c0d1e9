using System.IO.Pipelines;
using WaCluster.TestSupport;
using WaCluster.Protocol.Media;

namespace WaCluster.Protocol.Tests.Media;

/// <summary>Runs alone: it measures the whole process's allocations, which parallel tests would inflate.</summary>
[CollectionDefinition(nameof(MediaStreamingMemoryTests), DisableParallelization = true)]
public sealed class MediaStreamingMemoryRunsAlone;

/// <summary>
/// 100 MB of generated plaintext goes through our encryption straight into our decryption over a pipe: neither side
/// ever holds the file, so the allocations stay a small fraction of its size, and the plaintext comes back intact.
/// </summary>
[Trait("Proof", "media-interop")]
[Collection(nameof(MediaStreamingMemoryTests))]
public sealed class MediaStreamingMemoryTests
{
    private const long FileLength = 100L * 1024 * 1024 + 13;
    private const long AllocationLimit = 8L * 1024 * 1024;

    [Fact]
    public async Task A_100_MB_file_streams_through_encrypt_and_decrypt_with_bounded_memory()
    {
        var mediaKey = MediaKeys.GenerateMediaKey();
        using var source = new PseudoRandomStream(FileLength, seed: 0x5EED);
        using var sink = new HashingStream();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024));

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var encrypting = Task.Run(async () =>
        {
            await using var blob = pipe.Writer.AsStream();
            return await MediaEncryptor.EncryptAsync(source, blob, mediaKey, MediaType.Video);
        });
        var decrypting = Task.Run(async () =>
        {
            await using var blob = pipe.Reader.AsStream();
            return await MediaDecryptor.DecryptAsync(blob, sink, mediaKey, MediaType.Video);
        });
        var encrypted = await encrypting;
        var decrypted = await decrypting;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes to stream {FileLength:N0}");
        Assert.Equal(FileLength, decrypted.FileLength);
        Assert.Equal(FileLength, sink.Length);
        Assert.Equal(source.Sha256(), sink.Sha256());
        Assert.Equal(source.Sha256(), encrypted.FileSha256);
        Assert.Equal(source.Sha256(), decrypted.FileSha256);
        Assert.Equal(encrypted.FileEncSha256, decrypted.FileEncSha256);
    }
}
