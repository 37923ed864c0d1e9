using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using WaCluster.Core.Media;
using WaCluster.Engine.Media;
using WaCluster.Protocol.Media;
using WaCluster.TestSupport;

namespace WaCluster.Engine.Tests.Media;

/// <summary>Runs alone: it measures the whole process's allocations, which parallel tests would inflate.</summary>
[CollectionDefinition(nameof(MediaTransferMemoryTests), DisableParallelization = true)]
public sealed class MediaTransferMemoryRunsAlone;

/// <summary>
/// A 100 MB file goes through the engine's upload (encrypt to a staging file, stream to the host) and download
/// (stream from the host, decrypt and verify, then hand on) while the whole process allocates a small fraction of it.
/// </summary>
[Trait("Proof", "media-interop")]
[Collection(nameof(MediaTransferMemoryTests))]
public sealed class MediaTransferMemoryTests
{
    private const long FileLength = 100L * 1024 * 1024 + 5;
    private const long AllocationLimit = 8L * 1024 * 1024;

    [Fact]
    public async Task A_100_MB_video_uploads_and_downloads_with_bounded_memory()
    {
        var stored = Path.Combine(Path.GetTempPath(), "media-host-" + Guid.NewGuid().ToString("N"));
        try
        {
            var transfer = HostBackedByFile(stored);
            using var source = new GeneratedStream(FileLength, seed: 0x1D);
            using var sink = new HashingStream();

            var before = GC.GetTotalAllocatedBytes(precise: true);
            var upload = await transfer.UploadAsync(source, MediaType.Video, default);
            var location = MediaMessages.Locate(MediaMessages.Build(new OutgoingMedia(MediaKind.Video, Stream.Null), upload))!;
            var downloaded = await transfer.DownloadAsync(location, sink, default);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes to move {FileLength:N0} each way");
            Assert.Equal(FileLength, new FileInfo(stored).Length - (MediaCipher.EncryptedLength(FileLength) - FileLength));
            Assert.Equal(FileLength, sink.Length);
            Assert.Equal(source.Sha256(), sink.Sha256());
            Assert.Equal(source.Sha256(), downloaded.FileSha256);
            Assert.Equal(upload.Encrypted.FileEncSha256, downloaded.FileEncSha256);
        }
        finally
        {
            File.Delete(stored);
        }
    }

    // A media host keeping the uploaded blob in a file and serving it back from there.
    private static MediaTransfer HostBackedByFile(string path)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var cache = new MediaConnectionCache(_ => Task.FromResult(new MediaConnection("auth", ["host"], TimeSpan.FromHours(1), time.GetUtcNow())), time);
        var handler = new ScriptedHandler(async request =>
        {
            if (request.Method == HttpMethod.Post)
            {
                await using (var file = File.Create(path)) await request.Content!.CopyToAsync(file);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"url\":\"https://host/v/big\",\"direct_path\":\"/v/big\"}", Encoding.UTF8) };
            }
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(File.OpenRead(path)) };
        });
        return new MediaTransfer(new HttpClient(handler), cache, new EngineOptions(), time);
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request);
    }

    /// <summary>Reproducible pseudo-random bytes of a given length, hashed as they are read.</summary>
    private sealed class GeneratedStream(long length, ulong seed) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private ulong _state = seed | 1;
        private long _position;

        public byte[] Sha256() => _hash.GetCurrentHash();

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < count; i++)
            {
                _state ^= _state << 13;
                _state ^= _state >> 7;
                _state ^= _state << 17;
                buffer[i] = (byte)_state;
            }
            _hash.AppendData(buffer[..count]);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
