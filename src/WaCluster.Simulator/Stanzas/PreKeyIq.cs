using System.Buffers.Binary;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Crypto;
using WaCluster.Simulator.Accounts;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Pairing;

namespace WaCluster.Simulator.Stanzas;

/// <summary>
/// xmlns "encrypt": pre-key count, upload, signed pre-key rotation, the key digest and bundle fetches per device.
/// A bundle fetch that leaves a device low on one-time keys tells that device to upload more.
/// </summary>
internal static class PreKeyIq
{
    private const int MaxKeysPerUpload = 2000;

    public static void Handle(WaSimulator simulator, ChatConnection connection, SimDevice device, BinaryNode iq)
    {
        var type = iq["type"];
        if (type == "get" && iq.GetChild("count") is not null)
        {
            connection.Send(ServerNodes.IqResult(iq, new BinaryNode("count", [("value", Count(device.Keys.OneTimeKeyCount))])));
        }
        else if (type == "get" && iq.GetChild("key") is { } keyRequest)
        {
            connection.Send(ServerNodes.IqResult(iq, new BinaryNode("list", [], keyRequest.GetChildren("user").Select(u => Bundle(simulator, u)).ToArray())));
        }
        else if (type == "get" && iq.GetChild("digest") is not null)
        {
            connection.Send(ServerNodes.IqResult(iq, Digest(device.Keys)));
        }
        else if (type == "set" && iq.GetChild("rotate") is { } rotate)
        {
            device.Keys.SignedPreKey = ReadSignedPreKey(rotate.RequireChild("skey"), device.Keys.IdentityKey);
            connection.Send(ServerNodes.IqResult(iq));
        }
        else if (type == "set" && iq.GetChild("list") is not null)
        {
            Upload(device, iq);
            connection.Send(ServerNodes.IqResult(iq));
        }
        else
        {
            connection.Send(ServerNodes.IqError(iq, 501, "feature-not-implemented"));
        }
    }

    private static void Upload(SimDevice device, BinaryNode iq)
    {
        var identity = Bytes(iq.RequireChild("identity"), 32);
        if (!identity.AsSpan().SequenceEqual(device.Keys.IdentityKey)) throw new SimulatorException("uploaded identity key differs from the paired one");
        var keyType = Bytes(iq.RequireChild("type"), 1);
        if (keyType[0] != Curve25519.DjbKeyType) throw new SimulatorException("uploaded key type is not 5");
        var registration = BinaryPrimitives.ReadUInt32BigEndian(Bytes(iq.RequireChild("registration"), 4));
        var signed = ReadSignedPreKey(iq.RequireChild("skey"), identity);
        var keys = iq.RequireChild("list").GetChildren("key").Take(MaxKeysPerUpload + 1).ToList();
        if (keys.Count > MaxKeysPerUpload) throw new SimulatorException($"more than {MaxKeysPerUpload} pre-keys in one upload");
        var oneTime = keys.Select(k => new OneTimePreKey(CompanionRegistration.ReadUInt24(Bytes(k.RequireChild("id"), 3)), Bytes(k.RequireChild("value"), 32))).ToList();
        device.Keys.RegistrationId = registration;
        device.Keys.SignedPreKey = signed;
        device.Keys.AddOneTimeKeys(oneTime);
    }

    private static SignedPreKey ReadSignedPreKey(BinaryNode skey, byte[] identityKey)
    {
        var id = CompanionRegistration.ReadUInt24(Bytes(skey.RequireChild("id"), 3));
        var value = Bytes(skey.RequireChild("value"), 32);
        var signature = Bytes(skey.RequireChild("signature"), 64);
        if (!Curve25519.Verify(identityKey, Curve25519.Prefixed(value), signature)) throw new SimulatorException("signed pre-key signature does not verify");
        return new SignedPreKey(id, value, signature);
    }

    /// <summary>One user entry of a bundle answer: the device's published keys and one one-time key if any is left.</summary>
    private static BinaryNode Bundle(WaSimulator simulator, BinaryNode request)
    {
        var jidText = request.RequireAttribute("jid");
        var jid = request.RequireJid("jid");
        var user = simulator.Directory.Find(jid);
        PublishedKeys? keys = null;
        OneTimePreKey? oneTime = null;
        if (user is not null && jid.Device == 0)
        {
            keys = user.Phone.Keys;
            oneTime = user.Phone.MintOneTimeKey();
        }
        else if (user is not null && user.Companions.TryGetValue(jid.Device, out var device))
        {
            keys = device.Keys;
            oneTime = keys.TakeOneTimeKey();
            if (keys.OneTimeKeyCount < simulator.Options.LowPreKeyThreshold) NotifyLowKeys(simulator, device);
        }
        if (keys is null)
        {
            return new BinaryNode("user", [("jid", jidText)], [new BinaryNode("error", [("code", "404"), ("text", "item-not-found")])]);
        }
        var children = new List<BinaryNode>
        {
            new("registration", [], BigEndian(keys.RegistrationId, 4)),
            new("type", [], new byte[] { Curve25519.DjbKeyType }),
            new("identity", [], keys.IdentityKey),
            SignedPreKeyNode(keys.SignedPreKey),
        };
        if (oneTime is not null)
        {
            children.Add(new BinaryNode("key", [], [new BinaryNode("id", [], BigEndian(oneTime.Id, 3)), new BinaryNode("value", [], oneTime.PublicKey)]));
        }
        return new BinaryNode("user", [("jid", jidText)], children.ToArray());
    }

    private static void NotifyLowKeys(WaSimulator simulator, SimDevice device)
    {
        var id = simulator.NewStanzaId();
        device.Deliver(new PendingStanza(id, "notification", new BinaryNode("notification",
            [("from", ServerNodes.Server), ("type", "encrypt"), ("id", id), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
            [new BinaryNode("count", [("value", Count(device.Keys.OneTimeKeyCount))])])));
    }

    private static BinaryNode Digest(PublishedKeys keys) => new("digest", [],
    [
        new BinaryNode("type", [], new byte[] { Curve25519.DjbKeyType }),
        new BinaryNode("registration", [], BigEndian(keys.RegistrationId, 4)),
        new BinaryNode("identity", [], keys.IdentityKey),
        SignedPreKeyNode(keys.SignedPreKey),
        new BinaryNode("list", [], keys.OneTimeKeyIds.Select(id => new BinaryNode("id", [], BigEndian(id, 3))).ToArray()),
    ]);

    private static BinaryNode SignedPreKeyNode(SignedPreKey key) => new("skey", [],
    [
        new BinaryNode("id", [], BigEndian(key.Id, 3)),
        new BinaryNode("value", [], key.PublicKey),
        new BinaryNode("signature", [], key.Signature),
    ]);

    private static byte[] Bytes(BinaryNode node, int length)
    {
        if (node.ContentKind != NodeContentKind.Bytes || node.Bytes.Length != length)
        {
            throw new SimulatorException($"<{node.Tag}> must hold {length} bytes");
        }
        return node.Bytes.ToArray();
    }

    private static byte[] BigEndian(uint value, int length)
    {
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--, value >>= 8) bytes[i] = (byte)value;
        return bytes;
    }

    private static string Count(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
