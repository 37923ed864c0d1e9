using WaCluster.Core.Store;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Tests.State;

/// <summary>
/// The account data store: a transaction's writes are seen by it and by nobody else until applied, a change survives
/// its bytes, the fold of many changes rebuilds what they rebuild in order, and broken bytes are a typed error.
/// </summary>
[Trait("Proof", "engine-lid")]
public sealed class AccountDataTests
{
    private static readonly Jid Pn = Jid.Parse("15550001111@s.whatsapp.net");
    private static readonly Jid Lid = Jid.Parse("123456789012345@lid");

    [Fact]
    public void A_staged_write_is_read_by_its_transaction_and_reaches_the_data_only_when_applied()
    {
        var data = new AccountData();
        var transaction = new AccountDataTransaction(data);
        transaction.Set("kind", "key", [1, 2]);

        Assert.True(transaction.TryGet("kind", "key", out var staged));
        Assert.Equal(new byte[] { 1, 2 }, staged);
        Assert.False(data.TryGet("kind", "key", out _));

        data.Apply(AccountDataChange.Parse(transaction.ToChange().ToByteArray()));
        Assert.True(data.TryGet("kind", "key", out var applied));
        Assert.Equal(new byte[] { 1, 2 }, applied);

        var removal = new AccountDataTransaction(data);
        removal.Remove("kind", "key");
        Assert.False(removal.TryGet("kind", "key", out _));
        data.Apply(removal.ToChange());
        Assert.Empty(data.Entries("kind"));
    }

    [Fact]
    public void The_fold_of_changes_rebuilds_the_data_that_applying_them_in_order_builds()
    {
        var live = new AccountData();
        var changes = new List<AccountDataChange>();
        var random = new Random(42);
        for (var i = 0; i < 300; i++)
        {
            var transaction = new AccountDataTransaction(live);
            for (var j = 0; j < 3; j++)
            {
                var kind = "k" + random.Next(3);
                var key = "key" + random.Next(20);
                if (random.Next(4) == 0) transaction.Remove(kind, key);
                else transaction.Set(kind, key, [(byte)random.Next(256), (byte)i]);
            }
            var change = transaction.ToChange();
            live.Apply(change);
            changes.Add(change);
        }

        var folded = AccountDataChange.Fold(changes);
        var rebuilt = AccountData.From([AccountDataChange.Parse(folded.ToByteArray())]);

        foreach (var kind in new[] { "k0", "k1", "k2" })
        {
            var expected = live.Entries(kind).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            var actual = rebuilt.Entries(kind).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Select(e => e.Key), actual.Select(e => e.Key));
            Assert.Equal(expected.Select(e => Convert.ToHexString(e.Value)), actual.Select(e => Convert.ToHexString(e.Value)));
        }
        Assert.True(folded.Entries.Count < changes.Sum(c => c.Entries.Count));
    }

    [Theory]
    [InlineData("ff")]
    [InlineData("0802")]
    [InlineData("080112021a00")]
    public void Broken_bytes_are_a_typed_error(string hex)
    {
        Assert.Throws<AccountDataFormatException>(() => AccountDataChange.Parse(Convert.FromHexString(hex)));
    }

    [Fact]
    public void A_learned_pair_is_found_both_ways_with_the_asked_device()
    {
        var data = new AccountData();
        var transaction = new AccountDataTransaction(data);
        Assert.Equal(LidLearning.New, LidMappings.Learn(transaction, Pn.WithDevice(3), Lid));
        data.Apply(transaction.ToChange());

        var map = new LidMappings(data);
        Assert.Equal(Lid.WithDevice(2), map.LidOf(Pn.WithDevice(2)));
        Assert.Equal(Pn.WithDevice(5), map.PnOf(Lid.WithDevice(5)));
        Assert.Null(map.LidOf(Jid.Parse("15550002222@s.whatsapp.net")));
        Assert.Null(map.PnOf(Pn));

        var again = new AccountDataTransaction(data);
        Assert.Equal(LidLearning.Known, LidMappings.Learn(again, Pn, Lid));
        Assert.True(again.IsEmpty);
    }

    [Fact]
    public void A_pair_contradicting_a_known_one_is_refused_and_nothing_is_written()
    {
        var data = new AccountData();
        var transaction = new AccountDataTransaction(data);
        LidMappings.Learn(transaction, Pn, Lid);
        data.Apply(transaction.ToChange());

        var conflicting = new AccountDataTransaction(data);
        Assert.Throws<LidMappingConflictException>(() => LidMappings.Learn(conflicting, Pn, Jid.Parse("999@lid")));
        Assert.Throws<LidMappingConflictException>(() => LidMappings.Learn(conflicting, Jid.Parse("15550009999@s.whatsapp.net"), Lid));
        Assert.Throws<LidMappingException>(() => LidMappings.Learn(conflicting, Lid, Pn));
        Assert.Throws<LidMappingException>(() => LidMappings.Learn(conflicting, Jid.Parse("120363000000000001@g.us"), Lid));
        Assert.True(conflicting.IsEmpty);
        Assert.Equal(Lid, new LidMappings(data).LidOf(Pn));
    }
}
