using WaCluster.Signal.Keys;
using WaCluster.Signal.Messages;
using WaCluster.TestSupport;

namespace WaCluster.Signal.Tests.Support;

internal sealed record SignedPreKeyDto(uint KeyId, string PublicKey, string Signature);

internal sealed record PreKeyDto(uint KeyId, string PublicKey);

internal sealed record PartyDto(int Party, uint RegistrationId, string IdentityKey, SignedPreKeyDto SignedPreKey, PreKeyDto[] PreKeys);

internal sealed record WireMessage(string Type, string Body)
{
    public SignalMessageType Kind => Type == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper;

    public byte[] Bytes => Convert.FromBase64String(Body);

    public static WireMessage From(EncryptedMessage message) => new(message.WireType, Convert.ToBase64String(message.Body));
}

internal sealed record DecryptResult(string? Plaintext, string? Error, string? Message);

internal sealed record SessionInfoDto(bool Exists, bool Open, int Sessions);

/// <summary>A libsignal-node device in the interop harness, addressed by its party handle.</summary>
internal sealed class LibsignalPeer(NodeHarness node, PartyDto party)
{
    public PartyDto Info => party;

    public static async Task<LibsignalPeer> CreateAsync(NodeHarness node, int preKeyCount = 4, uint preKeyStart = 1) =>
        new(node, await node.CallAsync<PartyDto>("signal.party.create", new { preKeyCount, preKeyStart }));

    public IdentityKey IdentityKey => IdentityKey.FromBytes(Convert.FromBase64String(party.IdentityKey));

    public PreKeyBundle Bundle(int? preKeyIndex) => new(party.RegistrationId, IdentityKey, party.SignedPreKey.KeyId,
        Convert.FromBase64String(party.SignedPreKey.PublicKey), Convert.FromBase64String(party.SignedPreKey.Signature),
        preKeyIndex is { } i ? party.PreKeys[i].KeyId : null,
        preKeyIndex is { } j ? Convert.FromBase64String(party.PreKeys[j].PublicKey) : null);

    public Task ProcessBundleAsync(string address, OurDevice device, PreKeyRecord? preKey) =>
        node.CallAsync("signal.session.processBundle", new
        {
            party = party.Party,
            address,
            bundle = new
            {
                registrationId = device.RegistrationId,
                identityKey = B64(device.Identity.PublicKey.Serialize()),
                signedPreKey = new { keyId = device.SignedPreKey.Id, publicKey = B64(device.SignedPreKey.PrefixedPublicKey), signature = B64(device.SignedPreKey.Signature) },
                preKey = preKey is null ? null : new { keyId = preKey.Id, publicKey = B64(preKey.PrefixedPublicKey) },
            },
        });

    public Task<WireMessage[]> EncryptAsync(string address, IEnumerable<byte[]> plaintexts) =>
        node.CallAsync<WireMessage[]>("signal.encrypt", new { party = party.Party, address, plaintexts = plaintexts.Select(B64) });

    public Task<DecryptResult[]> DecryptAsync(string address, IEnumerable<WireMessage> messages) =>
        node.CallAsync<DecryptResult[]>("signal.decrypt", new { party = party.Party, address, messages = messages.Select(m => new { type = m.Type, body = m.Body }) });

    public Task<bool> HasPreKeyAsync(uint keyId) => node.CallAsync<bool>("signal.party.hasPreKey", new { party = party.Party, keyId });

    public Task<SessionInfoDto> SessionInfoAsync(string address) =>
        node.CallAsync<SessionInfoDto>("signal.session.info", new { party = party.Party, address });

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);
}
