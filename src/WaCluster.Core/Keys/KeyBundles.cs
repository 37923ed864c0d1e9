using System.Buffers.Binary;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Signal.Keys;

namespace WaCluster.Core.Keys;

/// <summary>Pre-key bundles as the server (a key fetch) or a retrying device (its retry receipt) hands them out.</summary>
public static class KeyBundles
{
    /// <summary>The bundle a retry receipt carries (registration beside &lt;keys&gt;), or null when it carries none or a malformed one.</summary>
    public static PreKeyBundle? FromRetryReceipt(BinaryNode receipt)
    {
        if (receipt.GetChild("keys") is not { } keys || receipt.GetChild("registration") is not { } registration) return null;
        var user = new BinaryNode("user", [], [registration, .. keys.Children]);
        return TryParseBundle(user, out var bundle) ? bundle : null;
    }

    /// <summary>One bundle from a <c>user</c> entry; false when a part is missing or has the wrong length.</summary>
    internal static bool TryParseBundle(BinaryNode user, out PreKeyBundle bundle)
    {
        bundle = null!;
        var skey = user.GetChild("skey");
        if (!TryBytes(user, "registration", 4, out var registration) || !TryBytes(user, "identity", 32, out var identity) || skey is null
            || !TryBytes(skey, "id", 3, out var signedId) || !TryBytes(skey, "value", 32, out var signedValue)
            || !TryBytes(skey, "signature", 64, out var signature))
        {
            return false;
        }
        uint? preKeyId = null;
        byte[]? preKeyValue = null;
        if (user.GetChild("key") is { } key)
        {
            if (!TryBytes(key, "id", 3, out var id) || !TryBytes(key, "value", 32, out var value)) return false;
            preKeyId = UInt24(id);
            preKeyValue = value;
        }
        bundle = new PreKeyBundle(BinaryPrimitives.ReadUInt32BigEndian(registration), IdentityKey.FromBytes(identity), UInt24(signedId),
            signedValue, signature, preKeyId, preKeyValue);
        return true;
    }

    private static uint UInt24(byte[] b) => (uint)(b[0] << 16 | b[1] << 8 | b[2]);

    private static bool TryBytes(BinaryNode parent, string tag, int length, out byte[] bytes)
    {
        var child = parent.GetChild(tag);
        bytes = child is { ContentKind: NodeContentKind.Bytes } && child.Bytes.Length == length ? child.Bytes.ToArray() : [];
        return bytes.Length == length;
    }
}
