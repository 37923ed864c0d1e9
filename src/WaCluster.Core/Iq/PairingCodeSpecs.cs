using WaCluster.Core.Connection;
using WaCluster.Core.Pairing;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Core.Iq;

/// <summary>
/// Our companion_hello for linking by code: the pairing ephemeral wrapped with the code, our noise key and how the
/// phone of <paramref name="phone"/> should list us.
/// </summary>
public sealed class CompanionHelloSpec(Jid phone, byte[] wrappedEphemeral, byte[] noisePublicKey, BrowserDescription browser) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("to", "@s.whatsapp.net"), ("type", "set"), ("xmlns", "md")],
        [
            new BinaryNode("link_code_companion_reg", [("jid", phone.ToString()), ("stage", "companion_hello"), ("should_show_push_notification", "true")],
            [
                new BinaryNode("link_code_pairing_wrapped_companion_ephemeral_pub", [], (ReadOnlyMemory<byte>)wrappedEphemeral),
                new BinaryNode("companion_server_auth_key_pub", [], (ReadOnlyMemory<byte>)noisePublicKey),
                new BinaryNode("companion_platform_id", [], PairingQr.CompanionPlatformId(browser)),
                new BinaryNode("companion_platform_display", [], $"{browser.Name} ({browser.Os})"),
                new BinaryNode("link_code_pairing_nonce", [], "0"),
            ]),
        ]);

    public IqAccepted Parse(BinaryNode response) => default;
}

/// <summary>Our companion_finish: the key bundle encrypted to the phone, our identity and the phone's pairing ref (see <see cref="PairingCode.CompanionFinish"/>).</summary>
public sealed class CompanionFinishSpec(Jid phone, byte[] wrappedKeyBundle, byte[] identityPublicKey, byte[] pairingRef) : IIqSpec<IqAccepted>
{
    public BinaryNode Build(string id) =>
        new("iq", [("id", id), ("to", "@s.whatsapp.net"), ("type", "set"), ("xmlns", "md")],
        [
            new BinaryNode("link_code_companion_reg", [("jid", phone.ToString()), ("stage", "companion_finish")],
            [
                new BinaryNode("link_code_pairing_wrapped_key_bundle", [], (ReadOnlyMemory<byte>)wrappedKeyBundle),
                new BinaryNode("companion_identity_public", [], (ReadOnlyMemory<byte>)identityPublicKey),
                new BinaryNode("link_code_pairing_ref", [], (ReadOnlyMemory<byte>)pairingRef),
            ]),
        ]);

    public IqAccepted Parse(BinaryNode response) => default;
}
