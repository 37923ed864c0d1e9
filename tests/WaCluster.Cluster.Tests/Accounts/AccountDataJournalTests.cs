using Google.Protobuf;
using WaCluster.Actors.Accounts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Store;

namespace WaCluster.Cluster.Tests.Accounts;

/// <summary>
/// The account data an engine change carries is journaled in the same write as its Signal change, folded at a
/// snapshot into one change that rebuilds the same data, carried by the snapshot, and forgotten at logout.
/// </summary>
[Trait("Proof", "cluster-persistence")]
public sealed class AccountDataJournalTests
{
    [Fact]
    public void Data_changes_are_journaled_with_their_state_change_folded_and_snapshotted()
    {
        var state = new AccountState(dedupeCapacity: 8);
        state.Apply(new AccountStarted());
        var live = new AccountData();
        for (var i = 0; i < 20; i++)
        {
            var transaction = new AccountDataTransaction(live);
            transaction.Set("lid-mapping", "pn:1555000" + (i % 7), [(byte)i]);
            if (i % 5 == 4) transaction.Remove("lid-mapping", "pn:1555000" + (i % 3));
            var change = transaction.ToChange();
            live.Apply(change);
            var write = state.WriteFor(new LinkStateChanged
            {
                Token = i,
                ReceivedKeys = { "sender|" + i },
                DataChange = ByteString.CopyFrom(change.ToByteArray()),
            });
            Assert.Contains(write.Events, e => e is SignalStateStored);
            foreach (var journalEvent in write.Events) state.Apply(journalEvent);
        }
        Assert.Equal(20, state.DataChanges.Count);

        state.CompactChanges();
        var restored = new AccountState(dedupeCapacity: 8);
        restored.Apply(state.ToSnapshot());
        var rebuilt = AccountData.From(restored.DataChanges.Select(change => AccountDataChange.Parse(change.Span)));

        Assert.Single(restored.DataChanges);
        Assert.Equal(
            live.Entries("lid-mapping").OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + Convert.ToHexString(e.Value)),
            rebuilt.Entries("lid-mapping").OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + Convert.ToHexString(e.Value)));

        restored.Apply(new AccountLoggedOut());
        Assert.Empty(restored.DataChanges);
    }

    [Fact]
    public void A_state_change_without_data_writes_no_data_event()
    {
        var state = new AccountState(dedupeCapacity: 8);
        var write = state.WriteFor(new LinkStateChanged { Token = 1, ReceivedKeys = { "sender|1" } });
        Assert.DoesNotContain(write.Events, e => e is AccountDataStored);
    }
}
