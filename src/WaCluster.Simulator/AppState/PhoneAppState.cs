using System.Globalization;
using Google.Protobuf;
using WaCluster.Core.AppState;
using WaCluster.Protocol.Proto;
using static WaCluster.Protocol.Proto.SyncdMutation.Types;

namespace WaCluster.Simulator.AppState;

/// <summary>
/// The primary phone as an app state client: it holds the one app state sync key of the account (shared with
/// companions) and writes the seeded state as patches encoded and MACed like any client's.
/// </summary>
internal sealed class PhoneAppState
{
    private const int KeyIdLength = 6;

    private readonly byte[] _keyData;
    private readonly AppStateKeys _keys;

    public PhoneAppState(Random random, uint advRawId, long nowMs)
    {
        KeyId = new byte[KeyIdLength];
        random.NextBytes(KeyId);
        _keyData = new byte[AppStateKeys.KeyLength];
        random.NextBytes(_keyData);
        _keys = AppStateKeys.Expand(_keyData);
        Key = new Message.Types.AppStateSyncKey
        {
            KeyId = new Message.Types.AppStateSyncKeyId { KeyId = ByteString.CopyFrom(KeyId) },
            KeyData = new Message.Types.AppStateSyncKeyData
            {
                KeyData = ByteString.CopyFrom(_keyData),
                Fingerprint = new Message.Types.AppStateSyncKeyFingerprint { RawId = advRawId, CurrentIndex = 0, DeviceIndexes = { 0 } },
                Timestamp = nowMs,
            },
        };
    }

    public byte[] KeyId { get; }

    /// <summary>The key as the phone shares it in an APP_STATE_SYNC_KEY_SHARE.</summary>
    public Message.Types.AppStateSyncKey Key { get; }

    /// <summary>The keys of <paramref name="keyId"/> if it is the phone's key (tests encode patches with it).</summary>
    public AppStateKeys? Lookup(ReadOnlySpan<byte> keyId) => keyId.SequenceEqual(KeyId) ? _keys : null;

    /// <summary>The seeded state of every collection, as the patches the phone wrote, in version order.</summary>
    public IEnumerable<(string Collection, SyncdPatch Patch)> SeedPatches(AppStateSeed seed, string pushName, long nowMs, Random random)
    {
        var contacts = Enumerable.Range(0, seed.Contacts).Select(i => (Jid: ContactJid(i), Name: ContactName(i))).ToList();
        string ChatAt(int i) => contacts[i % contacts.Count].Jid;
        var chats = contacts.Count == 0 ? 0 : 1;
        var byCollection = new Dictionary<string, List<(string[] Index, SyncActionValue Value, int ApiVersion)>>(StringComparer.Ordinal)
        {
            ["critical_block"] =
            [
                (["setting_pushName"], new SyncActionValue { PushNameSetting = new() { Name = pushName } }, 1),
                (["setting_locale"], new SyncActionValue { LocaleSetting = new() { Locale = "en_US" } }, 3),
            ],
            ["critical_unblock_low"] = [.. contacts.Select(c => (new[] { "contact", c.Jid },
                new SyncActionValue { ContactAction = new() { FullName = c.Name, FirstName = c.Name.Split(' ')[0] } }, 2))],
            ["regular_high"] = [.. Enumerable.Range(0, seed.MutedChats * chats).Select(i => (new[] { "mute", ChatAt(seed.ArchivedChats + seed.PinnedChats + i) },
                new SyncActionValue { MuteAction = new() { Muted = true, MuteEndTimestamp = nowMs + (long)TimeSpan.FromHours(8).TotalMilliseconds } }, 2))],
            ["regular_low"] =
            [
                .. Enumerable.Range(0, seed.ArchivedChats * chats).Select(i => (new[] { "archive", ChatAt(i) },
                    new SyncActionValue { ArchiveChatAction = new() { Archived = true, MessageRange = new() { LastMessageTimestamp = 0 } } }, 3)),
                .. Enumerable.Range(0, seed.PinnedChats * chats).Select(i => (new[] { "pin_v1", ChatAt(seed.ArchivedChats + i) },
                    new SyncActionValue { PinAction = new() { Pinned = true } }, 5)),
            ],
            ["regular"] =
            [
                .. Enumerable.Range(1, seed.Labels).Select(i => (new[] { "label_edit", Label(i) },
                    new SyncActionValue { LabelEditAction = new() { Name = $"Label {Label(i)}", Color = i % 20, Deleted = false } }, 3)),
                .. Enumerable.Range(1, seed.Labels * chats).Select(i => (new[] { "label_jid", Label(i), ChatAt(i - 1) },
                    new SyncActionValue { LabelAssociationAction = new() { Labeled = true } }, 3)),
            ],
        };
        foreach (var name in AppStateCollections.Names)
        {
            var collection = AppStateCollection.Empty(name);
            foreach (var chunk in byCollection[name].Chunk(Math.Max(1, seed.MutationsPerPatch)))
            {
                var changes = chunk.Select(change =>
                {
                    change.Value.Timestamp = nowMs;
                    var data = new SyncActionData { Index = ByteString.CopyFrom(AppStateIndex.Encode(change.Index)), Value = change.Value, Padding = ByteString.Empty, Version = change.ApiVersion };
                    return (SyncdOperation.Set, data);
                }).ToList();
                var encoded = collection.EncodePatch(changes, KeyId, _keys, iv => random.NextBytes(iv));
                collection = encoded.Collection;
                yield return (name, encoded.Patch);
            }
        }
    }

    private static string ContactJid(int i) => (19_990_000_000L + i).ToString(CultureInfo.InvariantCulture) + "@s.whatsapp.net";

    private static string ContactName(int i) => $"{FirstNames[i % FirstNames.Length]} Contact{i.ToString(CultureInfo.InvariantCulture)}";

    private static string Label(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] FirstNames = ["Ada", "Ben", "Chloe", "Dev", "Eva", "Femi", "Gus", "Hana"];
}
