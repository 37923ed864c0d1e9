using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;

namespace WaCluster.Core.Keys;

/// <summary>A batch of new one-time pre-keys and the creds that account for them.</summary>
public sealed record PreKeyBatch(IReadOnlyList<PreKeyRecord> PreKeys, AuthCreds Creds);

/// <summary>The <c>encrypt</c> iqs that keep our pre-keys on the server: count query and upload.</summary>
public static class PreKeyUpload
{
    /// <summary><c>&lt;iq xmlns="encrypt" type="get"&gt;&lt;count/&gt;</c>; the answer's count@value is what the server holds.</summary>
    public static BinaryNode CountQuery(string id) =>
        new("iq", [("id", id), ("xmlns", "encrypt"), ("type", "get"), ("to", Jid.ServerJid.ToString())], [new BinaryNode("count")]);

    public static int ParseCount(BinaryNode response)
    {
        var count = response.GetChild("count") ?? throw new EngineException("pre-key count response has no <count>");
        return count.TryGetInt64("value", out var value) && value is >= 0 and <= int.MaxValue
            ? (int)value
            : throw new EngineException("pre-key count response has no valid value");
    }

    /// <summary>How many to upload given the server's count: the initial batch when it holds none, a top-up when low, else none.</summary>
    public static int CountToUpload(int serverCount, int initialCount, int minCount) =>
        serverCount == 0 ? initialCount : serverCount <= minCount ? minCount : 0;

    /// <summary>Generates <paramref name="count"/> pre-keys from <see cref="AuthCreds.NextPreKeyId"/>.</summary>
    public static PreKeyBatch Prepare(AuthCreds creds, int count)
    {
        var preKeys = KeyHelper.GeneratePreKeys(creds.NextPreKeyId, count);
        var next = count == 0 ? creds.NextPreKeyId : preKeys[^1].Id % KeyHelper.MaxPreKeyId + 1;
        var updated = creds with { NextPreKeyId = next, FirstUnuploadedPreKeyId = next };
        return new PreKeyBatch(preKeys, updated);
    }

    public static BinaryNode BuildUpload(AuthCreds creds, IReadOnlyList<PreKeyRecord> preKeys, string id)
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
}
