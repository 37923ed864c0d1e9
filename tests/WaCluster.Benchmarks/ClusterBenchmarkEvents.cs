using System.Collections.Concurrent;
using System.Diagnostics;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Benchmarks;

/// <summary>
/// What <c>bench cluster</c> hears from the node's all-accounts topic: QR codes (handed to the simulated phones once
/// per account), accounts reaching Connected, and received texts with the time they were published to us.
/// </summary>
internal sealed class ClusterBenchmarkEvents(Func<string, string, Task> scan)
{
    private readonly ConcurrentDictionary<string, byte> _scanned = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _connected = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _texts = new();
    private int _scanFailures;

    public int ScanFailures => Volatile.Read(ref _scanFailures);

    public void Handle(IAccountEvent accountEvent)
    {
        switch (accountEvent)
        {
            case QrCodeIssued qr when _scanned.TryAdd(qr.AccountId, 0):
                _ = ScanAsync(qr.AccountId, qr.Qr);
                break;
            case ConnectionChanged { Connection: ConnectionState.Connected } changed:
                ConnectedSource(changed.AccountId).TrySetResult();
                break;
            case MessageReceived { Kind: MessageKind.Text } text:
                TextSource(text.Text).TrySetResult(Stopwatch.GetTimestamp());
                break;
        }
    }

    public Task Connected(string accountId) => ConnectedSource(accountId).Task;

    /// <summary>Completes with the timestamp at which a text was published to this subscriber.</summary>
    public Task<long> TextArrived(string text) => TextSource(text).Task;

    private async Task ScanAsync(string accountId, string qr)
    {
        try
        {
            await scan(accountId, qr);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            if (Interlocked.Increment(ref _scanFailures) <= 3) await Console.Error.WriteLineAsync($"scan of {accountId} failed: {ex.Message}");
            _scanned.TryRemove(accountId, out _); // the next QR of this account gets another try
        }
    }

    private TaskCompletionSource ConnectedSource(string accountId) =>
        _connected.GetOrAdd(accountId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource<long> TextSource(string text) =>
        _texts.GetOrAdd(text, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}
