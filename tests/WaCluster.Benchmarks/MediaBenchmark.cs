using System.Diagnostics;
using System.Security.Cryptography;
using WaCluster.Protocol.Media;
using WaCluster.TestSupport;

namespace WaCluster.Benchmarks;

/// <summary>
/// Media encrypt and decrypt throughput on the same 16 MB of random data, ours beside Baileys' in the same run.
/// Encrypt writes the blob to a temporary file as Baileys' encryptedStream does; decrypt reads the blob from memory
/// and collects the plaintext in memory, as Baileys' download path does (its fetch answered from memory). Baileys'
/// download checks neither the MAC nor the hashes; ours verifies the MAC, fileEncSha256 and fileSha256 on the way.
/// </summary>
public sealed class MediaBenchmark : IBenchmark
{
    private const int Size = 16 * 1024 * 1024;
    private const int Rounds = 4;
    private const int Trials = 3;

    public string Name => "media";

    public async Task RunAsync(BenchmarkReport report)
    {
        var plaintext = RandomNumberGenerator.GetBytes(Size);
        var mediaKey = MediaKeys.GenerateMediaKey();
        var path = Path.Combine(Path.GetTempPath(), $"media-bench-{Guid.NewGuid():N}");
        try
        {
            async Task Encrypt()
            {
                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                await MediaEncryptor.EncryptAsync(new MemoryStream(plaintext, writable: false), file, mediaKey, MediaType.Video);
            }
            var blob = MediaEncryptor.Encrypt(plaintext, mediaKey, MediaType.Video, out var encrypted);
            var checks = new MediaChecks(encrypted.FileEncSha256, encrypted.FileSha256);
            var output = new MemoryStream(Size);
            async Task Decrypt()
            {
                output.SetLength(0);
                await MediaDecryptor.DecryptAsync(new MemoryStream(blob, writable: false), output, mediaKey, MediaType.Video, checks);
                if (output.Length != Size) throw new InvalidOperationException("decrypted length differs");
            }

            // Alternating trials, best of each: the machine is shared, so one slow moment must not decide a ratio.
            await using var node = await NodeHarness.StartAsync();
            double encrypt = 0, decrypt = 0;
            var theirs = new NodeRates(0, 0);
            for (var trial = 0; trial < Trials; trial++)
            {
                encrypt = Math.Max(encrypt, await MegabytesPerSecondAsync(Encrypt));
                decrypt = Math.Max(decrypt, await MegabytesPerSecondAsync(Decrypt));
                var rates = await node.CallAsync<NodeRates>("media.bench", new { size = Size, rounds = Rounds }, TimeSpan.FromMinutes(5));
                theirs = new NodeRates(Math.Max(theirs.EncryptMBps, rates.EncryptMBps), Math.Max(theirs.DecryptMBps, rates.DecryptMBps));
            }

            report.Line("media.encrypt.ours", encrypt, "MB/s");
            report.Line("media.encrypt.baileys", theirs.EncryptMBps, "MB/s");
            report.Line("media.encrypt.ratio", encrypt / theirs.EncryptMBps, "x");
            report.Line("media.decrypt.ours", decrypt, "MB/s");
            report.Line("media.decrypt.baileys", theirs.DecryptMBps, "MB/s");
            report.Line("media.decrypt.ratio", decrypt / theirs.DecryptMBps, "x");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<double> MegabytesPerSecondAsync(Func<Task> operation)
    {
        await operation();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++) await operation();
        return (double)Size * Rounds / (1024 * 1024) / watch.Elapsed.TotalSeconds;
    }

    private sealed record NodeRates(double EncryptMBps, double DecryptMBps);
}
