using WaCluster.Protocol.Binary;
using WaCluster.Simulator;

namespace WaCluster.Engine.Tests.Iq;

/// <summary>Every stanza the simulator's clients send, as the simulator decoded it (its <see cref="WaSimulator.ClientStanzaObserver"/>).</summary>
public sealed class ClientStanzaRecorder
{
    private readonly List<BinaryNode> _stanzas = [];
    private readonly SemaphoreSlim _added = new(0);

    public ClientStanzaRecorder(WaSimulator simulator) => simulator.ClientStanzaObserver = (_, node) =>
    {
        lock (_stanzas) _stanzas.Add(node);
        _added.Release();
    };

    /// <summary>The iqs of <paramref name="xmlns"/> whose first child is <paramref name="child"/>, oldest first.</summary>
    public IReadOnlyList<BinaryNode> Iqs(string xmlns, string child)
    {
        lock (_stanzas)
        {
            return _stanzas.Where(n => n.Tag == "iq" && n.GetAttribute("xmlns") == xmlns && n.Children.Count > 0 && n.Children[0].Tag == child).ToArray();
        }
    }

    /// <summary>Waits until <paramref name="count"/> such iqs were sent and returns the last of them.</summary>
    public async Task<BinaryNode> WaitIqAsync(string xmlns, string child, TimeSpan timeout, int count = 1)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Iqs(xmlns, child) is var sent && sent.Count < count)
        {
            try
            {
                await _added.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {count}. <iq xmlns=\"{xmlns}\"><{child}> within {timeout}");
            }
        }
        return Iqs(xmlns, child)[count - 1];
    }
}
