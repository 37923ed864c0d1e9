using WaCluster.Core.Messaging;
using WaCluster.Core.Store;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;
using WaCluster.Signal.Sessions;
using WaCluster.Signal.Stores;

namespace WaCluster.Engine.Tests.Lid;

/// <summary>
/// Sessions move to the LID address once the pair is known (Baileys 7's migrateSession, whatsmeow's MigratePNToLID):
/// moved once with the identity, never left in both places; the pairs a stanza carries, and bad ones as typed errors.
/// </summary>
[Trait("Proof", "engine-lid")]
public sealed class LidSessionsTests
{
    private static readonly Jid PnDevice = Jid.Parse("15550040001:3@s.whatsapp.net");
    private static readonly Jid LidDevice = Jid.Parse("240000000000001:3@lid");

    [Fact]
    public async Task A_phone_number_session_moves_to_the_lid_address_once_the_pair_is_known_and_stays_there()
    {
        var store = NewStore();
        var pnAddress = SignalAddresses.Of(PnDevice);
        var lidAddress = SignalAddresses.Of(LidDevice);
        var data = new AccountData();
        await OpenSessionAsync(store, pnAddress);
        var original = (await store.LoadSessionAsync(pnAddress))!.OpenSessionBaseKey;
        var identity = await store.GetIdentityAsync(pnAddress);

        // Pair unknown: the session stays where it is.
        var unknown = new SignalStoreTransaction(store);
        Assert.Equal(pnAddress, await LidSessions.AddressAsync(unknown, data, PnDevice));
        Assert.True(unknown.ToChange().IsEmpty);

        var learning = new AccountDataTransaction(data);
        Assert.Equal(LidLearning.New, LidMappings.Learn(learning, PnDevice, LidDevice));
        data.Apply(learning.ToChange());
        var moving = new SignalStoreTransaction(store);
        Assert.Equal(lidAddress, await LidSessions.AddressAsync(moving, data, LidDevice));
        await moving.ToChange().ApplyAsync(store);
        Assert.Null(await store.LoadSessionAsync(pnAddress));
        Assert.Equal(original, (await store.LoadSessionAsync(lidAddress))!.OpenSessionBaseKey);
        Assert.Equal(identity, await store.GetIdentityAsync(lidAddress));

        // Addressed by phone number later, the device is found at its LID address, and nothing moves again.
        var again = new SignalStoreTransaction(store);
        Assert.Equal(lidAddress, await LidSessions.AddressAsync(again, data, PnDevice));
        Assert.True(again.ToChange().IsEmpty);
    }

    [Fact]
    public async Task When_both_addresses_hold_a_session_the_lid_one_wins_and_the_other_is_dropped()
    {
        var store = NewStore();
        var pnAddress = SignalAddresses.Of(PnDevice);
        var lidAddress = SignalAddresses.Of(LidDevice);
        await OpenSessionAsync(store, pnAddress);
        await OpenSessionAsync(store, lidAddress);
        var lidSession = (await store.LoadSessionAsync(lidAddress))!.OpenSessionBaseKey;
        var data = new AccountData();
        var learning = new AccountDataTransaction(data);
        LidMappings.Learn(learning, PnDevice, LidDevice);
        data.Apply(learning.ToChange());

        var transaction = new SignalStoreTransaction(store);
        Assert.Equal(lidAddress, await LidSessions.AddressAsync(transaction, data, PnDevice));
        await transaction.ToChange().ApplyAsync(store);
        Assert.Null(await store.LoadSessionAsync(pnAddress));
        Assert.Equal(lidSession, (await store.LoadSessionAsync(lidAddress))!.OpenSessionBaseKey);
    }

    [Fact]
    public void A_stanza_names_its_sender_in_both_forms_and_malformed_or_mismatched_forms_are_typed_errors()
    {
        Assert.Equal([new LidPair(PnDevice.ToNonAd(), LidDevice.ToNonAd())],
            LidPairs.Of(Message(("from", LidDevice.ToString()), ("sender_pn", PnDevice.ToString()))));
        Assert.Equal([new LidPair(PnDevice.ToNonAd(), LidDevice.ToNonAd())],
            LidPairs.Of(Message(("from", PnDevice.ToString()), ("sender_lid", LidDevice.ToString()))));
        Assert.Equal([new LidPair(PnDevice.ToNonAd(), LidDevice.ToNonAd())],
            LidPairs.Of(Message(("from", "120363000000000001@g.us"), ("participant", LidDevice.ToString()), ("participant_pn", PnDevice.ToString()))));
        Assert.Empty(LidPairs.Of(Message(("from", PnDevice.ToString()))));
        var devices = new BinaryNode("notification", [("from", PnDevice.ToNonAd().ToString()), ("type", "devices")],
            [new BinaryNode("add", [], [new BinaryNode("device", [("jid", PnDevice.ToString()), ("lid", LidDevice.ToString())])])]);
        Assert.Equal([new LidPair(PnDevice.ToNonAd(), LidDevice.ToNonAd())], LidPairs.OfDevices(devices));

        Assert.Throws<LidMappingException>(() => LidPairs.Of(Message(("from", LidDevice.ToString()), ("sender_pn", "not a jid@@"))));
        Assert.Throws<LidMappingException>(() => LidPairs.Of(Message(("from", LidDevice.ToString()), ("sender_pn", "@s.whatsapp.net"))));
        Assert.Throws<LidMappingException>(() => LidPairs.Of(Message(("from", LidDevice.ToString()), ("sender_pn", LidDevice.ToString()))));
        Assert.Throws<LidMappingException>(() => LidPairs.Of(Message(("from", PnDevice.ToString()), ("sender_pn", PnDevice.ToString()))));
        Assert.Throws<LidMappingException>(() => LidPairs.OfDevices(new BinaryNode("notification", [("type", "devices")],
            [new BinaryNode("add", [], [new BinaryNode("device", [("jid", LidDevice.ToString()), ("lid", LidDevice.ToString())])])])));
    }

    [Fact]
    public void A_pair_that_contradicts_a_known_one_is_refused_and_changes_nothing()
    {
        var data = new AccountData();
        var learning = new AccountDataTransaction(data);
        LidMappings.Learn(learning, PnDevice, LidDevice);
        data.Apply(learning.ToChange());

        var conflicting = new AccountDataTransaction(data);
        Assert.Throws<LidMappingConflictException>(() => LidMappings.Learn(conflicting, PnDevice, Jid.Parse("240000000000999@lid")));
        Assert.True(conflicting.IsEmpty);
        Assert.Equal(LidDevice.ToNonAd(), new LidMappings(data).LidOf(PnDevice.ToNonAd()));
    }

    private static BinaryNode Message(params NodeAttribute[] attributes) => new("message", [("id", "3EB0LID"), .. attributes]);

    private static InMemorySignalProtocolStore NewStore() => new(IdentityKeyPair.Generate(), KeyHelper.GenerateRegistrationId());

    // A real session with a fresh peer at address, built from the peer's bundle as a first send does.
    private static async Task OpenSessionAsync(InMemorySignalProtocolStore store, Signal.ProtocolAddress address)
    {
        var peer = IdentityKeyPair.Generate();
        var signed = KeyHelper.GenerateSignedPreKey(peer, 1);
        var preKey = KeyHelper.GeneratePreKeys(1, 1)[0];
        var transaction = new SignalStoreTransaction(store);
        await new SessionBuilder(transaction, address).ProcessBundleAsync(new PreKeyBundle(KeyHelper.GenerateRegistrationId(), peer.PublicKey, signed.Id,
            signed.PrefixedPublicKey, signed.Signature, preKey.Id, preKey.PrefixedPublicKey));
        await transaction.ToChange().ApplyAsync(store);
    }
}
