using WaCluster.Core.Media;

namespace WaCluster.Engine.Media;

/// <summary>Keeps the last <c>media_conn</c> answer for its ttl, like Baileys' refreshMediaConn; one query at a time.</summary>
internal sealed class MediaConnectionCache(Func<CancellationToken, Task<MediaConnection>> fetch, TimeProvider time)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private MediaConnection? _current;

    public async Task<MediaConnection> GetAsync(bool refresh, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!refresh && _current is { } current && current.IsValidAt(time.GetUtcNow())) return current;
            return _current = await fetch(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
