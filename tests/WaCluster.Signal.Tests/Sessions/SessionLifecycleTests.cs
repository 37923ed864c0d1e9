using WaCluster.Signal.Messages;
using WaCluster.Signal.Tests.Support;

namespace WaCluster.Signal.Tests.Sessions;

/// <summary>Session record behaviour over a session's life: competing sessions, archive and reopen paths.</summary>
public sealed class SessionLifecycleTests
{
    private static readonly ProtocolAddress AliceAddress = EstablishedPair.AliceAddress;
    private static readonly ProtocolAddress BobAddress = EstablishedPair.BobAddress;

    [Fact]
    public async Task Simultaneous_initiation_leaves_both_sides_talking_through_their_archived_sessions()
    {
        var alice = await OurDevice.CreateAsync();
        var bob = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[0]));
        await bob.ProcessBundleAsync(AliceAddress, alice.Bundle(alice.PreKeys[0]));
        var fromAlice = await alice.EncryptAsync(BobAddress, [1]);
        var fromBob = await bob.EncryptAsync(AliceAddress, [2]);
        Assert.Equal(SignalMessageType.PreKey, fromAlice.Type);
        Assert.Equal(SignalMessageType.PreKey, fromBob.Type);

        // Each pkmsg opens a responder session and archives the sender's own initiator session.
        Assert.Equal([1], await bob.DecryptAsync(AliceAddress, fromAlice.Type, fromAlice.Body));
        Assert.Equal([2], await alice.DecryptAsync(BobAddress, fromBob.Type, fromBob.Body));
        Assert.Equal(1, alice.Store.Sessions[BobAddress].ArchivedSessionCount);
        Assert.Equal(1, bob.Store.Sessions[AliceAddress].ArchivedSessionCount);

        for (var round = 0; round < 3; round++)
        {
            var a = await alice.EncryptAsync(BobAddress, [(byte)(10 + round)]);
            Assert.Equal([(byte)(10 + round)], await bob.DecryptAsync(AliceAddress, a.Type, a.Body));
            var b = await bob.EncryptAsync(AliceAddress, [(byte)(20 + round)]);
            Assert.Equal([(byte)(20 + round)], await alice.DecryptAsync(BobAddress, b.Type, b.Body));
        }
    }

    [Fact]
    public async Task A_repeated_pkmsg_base_key_reuses_its_session_instead_of_opening_another()
    {
        var alice = await OurDevice.CreateAsync();
        var bob = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[0]));
        var first = await alice.EncryptAsync(BobAddress, [1]);
        var second = await alice.EncryptAsync(BobAddress, [2]);
        Assert.Equal(SignalMessageType.PreKey, second.Type);

        // Delivered in reverse: the second builds the session and consumes the pre-key, the first reuses it.
        Assert.Equal([2], await bob.DecryptAsync(AliceAddress, second.Type, second.Body));
        Assert.Null(await bob.Store.LoadPreKeyAsync(bob.PreKeys[0].Id));
        Assert.Equal([1], await bob.DecryptAsync(AliceAddress, first.Type, first.Body));
        Assert.Equal(0, bob.Store.Sessions[AliceAddress].ArchivedSessionCount);
        Assert.Empty(bob.LastChange!.PreKeys);
    }
}
