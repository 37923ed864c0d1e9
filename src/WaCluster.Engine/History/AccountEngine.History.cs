using WaCluster.Engine.History;

namespace WaCluster.Engine;

// History sync: the chunks our phone sends after linking, read through the media hosts.
public sealed partial class AccountEngine
{
    private HistoryDownloads? _history;

    internal HistoryDownloads History => LazyInitializer.EnsureInitialized(ref _history, () => new HistoryDownloads(this, Media));
}
