using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Messaging;
using WaCluster.Core.Store;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine;

public sealed partial class AccountEngine
{
    /// <summary>Our LID device (from pairing), when known: our devices and LID peers name us by it.</summary>
    internal Jid? OwnLid => Creds.Me?.Lid is { } lid && Jid.TryParse(lid, out var jid) && jid.IsLid ? jid : null;

    /// <summary>
    /// Stages the PN-LID pairs <paramref name="stanza"/> carries in a new data transaction, to be persisted with
    /// what the stanza changes before it is acked. A malformed attribute or a pair that contradicts a known one is an
    /// <see cref="EngineError"/> under <paramref name="context"/> and stages nothing of that pair; the rest goes on.
    /// </summary>
    internal (AccountDataTransaction Data, IReadOnlyList<LidPair> Learned) LearnLidPairs(BinaryNode stanza, string context)
    {
        var data = new AccountDataTransaction(Data);
        IReadOnlyList<LidPair> pairs;
        try
        {
            pairs = LidPairs.Of(stanza);
        }
        catch (LidMappingException ex)
        {
            Emit(new EngineError(context, ex));
            return (data, []);
        }
        return (data, Learn(data, pairs, context));
    }

    /// <summary>Our own pair (pairing named our PN and LID devices), so our LID devices' sessions are where our PN ones are.</summary>
    internal Task LearnOwnLidAsync(CancellationToken cancellationToken) =>
        Creds.Me is { } me && Jid.TryParse(me.Id, out var pn) && OwnLid is { } lid
            ? LearnLidPairsAsync([new LidPair(pn.ToNonAd(), lid.ToNonAd())], "own lid", cancellationToken)
            : Task.CompletedTask;

    /// <summary>Persists the pairs a usync answer or notification taught (nothing else changes), then announces the new ones.</summary>
    internal async Task LearnLidPairsAsync(IEnumerable<LidPair> pairs, string context, CancellationToken cancellationToken)
    {
        var data = new AccountDataTransaction(Data);
        var learned = Learn(data, [.. pairs], context);
        await CommitLidPairsAsync(data, learned, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Persists staged pairs alone, then announces them.</summary>
    internal async Task CommitLidPairsAsync(AccountDataTransaction data, IReadOnlyList<LidPair> learned, CancellationToken cancellationToken)
    {
        await CommitDataAsync("lid mapping learned", data, cancellationToken).ConfigureAwait(false);
        AnnounceLidPairs(learned);
    }

    /// <summary>One <see cref="LidMappingUpdated"/> per new pair, once it is persisted.</summary>
    internal void AnnounceLidPairs(IReadOnlyList<LidPair> learned)
    {
        foreach (var pair in learned) Emit(new LidMappingUpdated(pair.Pn, pair.Lid));
    }

    private List<LidPair> Learn(AccountDataTransaction data, IReadOnlyList<LidPair> pairs, string context)
    {
        var learned = new List<LidPair>();
        foreach (var pair in pairs)
        {
            try
            {
                if (LidMappings.Learn(data, pair.Pn, pair.Lid) == LidLearning.New) learned.Add(pair);
            }
            catch (LidMappingException ex)
            {
                Emit(new EngineError(context, ex));
            }
        }
        return learned;
    }
}
