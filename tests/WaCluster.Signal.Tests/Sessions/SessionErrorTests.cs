using WaCluster.Protocol.Crypto;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Messages;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;
using WaCluster.Signal.Tests.Support;

namespace WaCluster.Signal.Tests.Sessions;

/// <summary>Each failure has its typed exception, and none of them changes stored state.</summary>
public sealed class SessionErrorTests
{
    private static readonly ProtocolAddress AliceAddress = EstablishedPair.AliceAddress;
    private static readonly ProtocolAddress BobAddress = EstablishedPair.BobAddress;

    [Fact]
    public async Task Without_a_session_encrypt_and_msg_decrypt_are_no_session()
    {
        var alice = await OurDevice.CreateAsync();
        await Assert.ThrowsAsync<NoSessionException>(() => alice.EncryptAsync(BobAddress, [1]));
        var pair = await EstablishedPair.CreateAsync();
        var message = await pair.AliceSendsAsync([1]);
        await Assert.ThrowsAsync<NoSessionException>(() => alice.DecryptAsync(AliceAddress, message.Type, message.Body));
    }

    [Fact]
    public async Task A_pkmsg_naming_a_missing_one_time_or_signed_pre_key_is_an_invalid_pre_key_id()
    {
        var bob = await OurDevice.CreateAsync();
        var alice = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[0]));
        var pkmsg = await alice.EncryptAsync(BobAddress, [1]);
        await bob.Store.RemovePreKeyAsync(bob.PreKeys[0].Id);
        await Assert.ThrowsAsync<InvalidPreKeyIdException>(() => bob.DecryptAsync(AliceAddress, pkmsg.Type, pkmsg.Body));
        Assert.Empty(bob.Store.Sessions);

        var rotated = await OurDevice.CreateAsync(signedPreKeyId: 7);
        var other = await OurDevice.CreateAsync();
        var bundle = rotated.Bundle(null) with { SignedPreKeyId = 8 };
        await other.ProcessBundleAsync(BobAddress, bundle);
        var second = await other.EncryptAsync(BobAddress, [2]);
        await Assert.ThrowsAsync<InvalidPreKeyIdException>(() => rotated.DecryptAsync(AliceAddress, second.Type, second.Body));
        Assert.Empty(rotated.Store.Sessions);
    }

    [Fact]
    public async Task A_one_time_pre_key_is_consumed_only_when_the_pkmsg_decrypts()
    {
        var bob = await OurDevice.CreateAsync();
        var alice = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[3]));
        var pkmsg = await alice.EncryptAsync(BobAddress, [1]);
        var tampered = (byte[])pkmsg.Body.Clone();
        var inner = PreKeyWhisperMessage.Parse(pkmsg.Body).Message.Serialize();
        tampered[tampered.AsSpan().IndexOf(inner) + inner.Length - 1] ^= 1;
        await Assert.ThrowsAsync<InvalidMacException>(() => bob.DecryptAsync(AliceAddress, pkmsg.Type, tampered));
        Assert.NotNull(await bob.Store.LoadPreKeyAsync(bob.PreKeys[3].Id));
        Assert.Empty(bob.Store.Sessions);
        Assert.Empty(bob.Store.Identities);

        Assert.Equal([1], await bob.DecryptAsync(AliceAddress, pkmsg.Type, pkmsg.Body));
        Assert.Null(await bob.Store.LoadPreKeyAsync(bob.PreKeys[3].Id));
        Assert.Equal([bob.PreKeys[3].Id], bob.LastChange!.PreKeys.Keys);
        Assert.Null(bob.LastChange.PreKeys[bob.PreKeys[3].Id]);
        Assert.Equal(alice.Identity.PublicKey, bob.LastChange.Identities[AliceAddress]);
    }

    [Fact]
    public async Task A_bundle_whose_signed_pre_key_signature_fails_is_an_invalid_signature()
    {
        var bob = await OurDevice.CreateAsync();
        var alice = await OurDevice.CreateAsync();
        var signature = (byte[])bob.SignedPreKey.Signature.Clone();
        signature[5] ^= 0x10;
        await Assert.ThrowsAsync<InvalidSignatureException>(() => alice.ProcessBundleAsync(BobAddress, bob.Bundle(null) with { SignedPreKeySignature = signature }));
        var stranger = KeyHelper.GenerateIdentityKeyPair();
        await Assert.ThrowsAsync<InvalidSignatureException>(() => alice.ProcessBundleAsync(BobAddress, bob.Bundle(null) with { IdentityKey = stranger.PublicKey }));
        Assert.Empty(alice.Store.Sessions);
    }

    [Fact]
    public async Task Malformed_bundle_keys_are_invalid_keys()
    {
        var bob = await OurDevice.CreateAsync();
        var alice = await OurDevice.CreateAsync();
        await Assert.ThrowsAsync<InvalidKeyException>(() => alice.ProcessBundleAsync(BobAddress, bob.Bundle(null) with { SignedPreKeyPublic = new byte[31] }));
        await Assert.ThrowsAsync<InvalidKeyException>(() => alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[0]) with { PreKeyPublic = new byte[34] }));
        await Assert.ThrowsAsync<InvalidKeyException>(() => alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[0]) with { PreKeyId = null }));
        Assert.Throws<InvalidKeyException>(() => IdentityKey.FromBytes([6, .. new byte[32]]));
        Assert.Empty(alice.Store.Sessions);
    }

    [Fact]
    public async Task A_changed_identity_is_untrusted_under_the_reject_changes_policy_and_accepted_by_default()
    {
        var bob = await OurDevice.CreateAsync(trust: IdentityTrustPolicy.RejectChanges);
        var alice = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[0]));
        var first = await alice.EncryptAsync(BobAddress, [1]);
        await bob.DecryptAsync(AliceAddress, first.Type, first.Body);

        // Alice reinstalls: a new identity at the same address.
        var reinstalled = await OurDevice.CreateAsync();
        await reinstalled.ProcessBundleAsync(BobAddress, bob.Bundle(bob.PreKeys[1]));
        var pkmsg = await reinstalled.EncryptAsync(BobAddress, [2]);
        var before = bob.Store.Sessions[AliceAddress];
        await Assert.ThrowsAsync<UntrustedIdentityException>(() => bob.DecryptAsync(AliceAddress, pkmsg.Type, pkmsg.Body));
        Assert.Same(before, bob.Store.Sessions[AliceAddress]);
        Assert.Equal(alice.Identity.PublicKey, await bob.Store.GetIdentityAsync(AliceAddress));

        // Bob's outgoing side refuses a bundle with the changed identity too.
        await Assert.ThrowsAsync<UntrustedIdentityException>(() => bob.ProcessBundleAsync(AliceAddress, reinstalled.Bundle(null)));

        var accepting = await OurDevice.CreateAsync();
        await alice.ProcessBundleAsync(new ProtocolAddress("carol", 1), accepting.Bundle(null));
        var viaAlice = await alice.EncryptAsync(new ProtocolAddress("carol", 1), [3]);
        await accepting.DecryptAsync(AliceAddress, viaAlice.Type, viaAlice.Body);
        var viaReinstalled = await reinstalled.InTransactionAsync(async tx =>
        {
            await new SessionBuilder(tx, new ProtocolAddress("carol", 1)).ProcessBundleAsync(accepting.Bundle(null));
            return await new SessionCipher(tx, new ProtocolAddress("carol", 1)).EncryptAsync(new byte[] { 4 });
        });
        Assert.Equal([4], await accepting.DecryptAsync(AliceAddress, viaReinstalled.Type, viaReinstalled.Body));
        Assert.Equal(reinstalled.Identity.PublicKey, await accepting.Store.GetIdentityAsync(AliceAddress));
    }

    [Fact]
    public async Task A_tampered_mac_is_invalid_mac_and_leaves_the_session_as_it_was()
    {
        var pair = await EstablishedPair.CreateAsync();
        var message = await pair.AliceSendsAsync([5, 6, 7]);
        var before = pair.Bob.Store.Sessions[AliceAddress];
        var tampered = (byte[])message.Body.Clone();
        tampered[^3] ^= 0x80;
        await Assert.ThrowsAsync<InvalidMacException>(() => pair.Bob.DecryptAsync(AliceAddress, message.Type, tampered));
        Assert.Same(before, pair.Bob.Store.Sessions[AliceAddress]);
        Assert.Equal([5, 6, 7], await pair.BobReceivesAsync(message));
    }

    [Fact]
    public async Task A_responder_session_cannot_send_before_it_has_received()
    {
        var bob = await OurDevice.CreateAsync();
        var alice = await OurDevice.CreateAsync();
        var state = SessionInitializer.Responder(bob.Identity, bob.SignedPreKey, null, alice.Identity.PublicKey,
            Curve25519.GenerateKeyPair().PrefixedPublicKey, alice.RegistrationId);
        var record = new SessionRecord();
        record.Promote(state);
        await bob.Store.StoreSessionAsync(AliceAddress, record);
        await Assert.ThrowsAsync<NoSessionException>(() => bob.EncryptAsync(AliceAddress, [1]));
    }

    [Fact]
    public async Task Archived_sessions_are_bounded_and_the_newest_stay()
    {
        var bob = await OurDevice.CreateAsync(preKeyCount: 0);
        var alice = await OurDevice.CreateAsync();
        for (var i = 0; i < SessionLimits.MaxSessionsPerRecord + 5; i++)
        {
            await alice.ProcessBundleAsync(BobAddress, bob.Bundle(null));
        }
        var record = alice.Store.Sessions[BobAddress];
        Assert.True(record.HasOpenSession);
        Assert.Equal(SessionLimits.MaxSessionsPerRecord - 1, record.ArchivedSessionCount);
        var bytes = record.ToByteArray();
        var reread = SessionRecord.Parse(bytes);
        Assert.Equal(SessionLimits.MaxSessionsPerRecord - 1, reread.ArchivedSessionCount);
        Assert.Equal(bytes, reread.ToByteArray());
        var message = await alice.EncryptAsync(BobAddress, [1]);
        Assert.Equal(SignalMessageType.PreKey, message.Type);
        Assert.Equal([1], await bob.DecryptAsync(AliceAddress, message.Type, message.Body));
    }
}
