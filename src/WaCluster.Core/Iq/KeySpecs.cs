using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Keys;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;

namespace WaCluster.Core.Iq;

/// <summary>
/// Pre-key bundles (<c>encrypt</c> get <c>key</c>) of devices we have no session with, or, with
/// <paramref name="refreshIdentity"/>, of devices whose sessions are rebuilt (<c>reason="identity"</c>, as Baileys asks
/// after a retry or a newly learned LID); devices the server answered with an error or a malformed entry are left out.
/// </summary>
public sealed class KeyBundleFetchSpec(IEnumerable<Jid> devices, bool refreshIdentity = false) : IIqSpec<IReadOnlyDictionary<Jid, PreKeyBundle>>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("xmlns", "encrypt"), ("type", "get"), ("to", "@s.whatsapp.net")],
            [new BinaryNode("key", [], devices.Select(d => new BinaryNode("user", [("jid", d.ToString()), ("reason", refreshIdentity ? "identity" : null)])).ToArray())]);

    public IReadOnlyDictionary<Jid, PreKeyBundle> Parse(BinaryNode response)
    {
        var bundles = new Dictionary<Jid, PreKeyBundle>();
        foreach (var user in IqResponses.Require(response, "list", "key bundle").GetChildren("user"))
        {
            if (!Jid.TryParse(user.GetAttribute("jid"), out var jid) || user.GetChild("error") is not null) continue;
            if (KeyBundles.TryParseBundle(user, out var bundle)) bundles[jid] = bundle;
        }
        return bundles;
    }
}

/// <summary>How many of our one-time pre-keys the server holds (<c>encrypt</c> get <c>count</c>).</summary>
public sealed class PreKeyCountSpec : IIqSpec<int>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("xmlns", "encrypt"), ("type", "get"), ("to", Jid.ServerJid.ToString())], [new BinaryNode("count")]);

    public int Parse(BinaryNode response) => PreKeyUpload.ParseCount(response);
}

/// <summary>Uploads <paramref name="preKeys"/> with our registration id, identity and signed pre-key (<c>encrypt</c> set).</summary>
public sealed class PreKeyUploadSpec(AuthCreds creds, IReadOnlyList<PreKeyRecord> preKeys) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id)
    {
        var keys = new BinaryNode[preKeys.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new BinaryNode("key", [],
            [
                new BinaryNode("id", [], (ReadOnlyMemory<byte>)ClientPayloadFactory.BigEndian(preKeys[i].Id, 3)),
                new BinaryNode("value", [], (ReadOnlyMemory<byte>)preKeys[i].KeyPair.PublicKey),
            ]);
        }
        return new BinaryNode("iq", [("id", id), ("xmlns", "encrypt"), ("type", "set"), ("to", Jid.ServerJid.ToString())],
        [
            new BinaryNode("registration", [], (ReadOnlyMemory<byte>)ClientPayloadFactory.BigEndian(creds.RegistrationId, 4)),
            new BinaryNode("type", [], (ReadOnlyMemory<byte>)new[] { Curve25519.DjbKeyType }),
            new BinaryNode("identity", [], (ReadOnlyMemory<byte>)creds.SignedIdentityKey.PublicKey),
            new BinaryNode("list", [], keys),
            new BinaryNode("skey", [],
            [
                new BinaryNode("id", [], (ReadOnlyMemory<byte>)ClientPayloadFactory.BigEndian(creds.SignedPreKey.Id, 3)),
                new BinaryNode("value", [], (ReadOnlyMemory<byte>)creds.SignedPreKey.KeyPair.PublicKey),
                new BinaryNode("signature", [], (ReadOnlyMemory<byte>)creds.SignedPreKey.Signature),
            ]),
        ]);
    }

    public IqAccepted Parse(BinaryNode response) => default;
}
