using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;
using WaCluster.Simulator.Connections;
using WaCluster.Simulator.Stanzas;

namespace WaCluster.Simulator.Pairing;

/// <summary>
/// Pairing by code: the companion's companion_hello (wrapped ephemeral for a phone number) is answered with a ref;
/// the phone entering the code unwraps it and sends its own wrapped ephemeral and identity; the companion's
/// companion_finish key bundle yields the ADV secret, and linking ends as with a QR: pair-success, sign, 515.
/// </summary>
internal static class LinkCodeFlow
{
    public static void OnCompanionRegistration(WaSimulator simulator, ChatConnection connection, BinaryNode iq, BinaryNode registration)
    {
        if (connection.Pairing is not { } pending) throw new SimulatorException("link_code_companion_reg outside registration");
        switch (registration["stage"])
        {
            case "companion_hello":
                var phone = registration.RequireJid("jid");
                if (!phone.IsPnUser) throw new SimulatorException("link code requested for a non-phone JID");
                var wrapped = Bytes(registration.RequireChild("link_code_pairing_wrapped_companion_ephemeral_pub"));
                var noiseKey = Bytes(registration.RequireChild("companion_server_auth_key_pub"));
                if (!noiseKey.AsSpan().SequenceEqual(pending.Registration.NoiseKey)) throw new SimulatorException("companion_hello names another noise key");
                var session = new LinkCodeSession(pending, phone.User, wrapped, simulator.NewRef());
                pending.LinkCode = session;
                simulator.RegisterLinkCode(session);
                connection.Send(ServerNodes.IqResult(iq, new BinaryNode("link_code_companion_reg", [],
                    [new BinaryNode("link_code_pairing_ref", [], System.Text.Encoding.UTF8.GetBytes(session.Reference))])));
                break;
            case "companion_finish":
                Finish(simulator, connection, iq, registration, pending);
                break;
            default:
                connection.Send(ServerNodes.IqError(iq, 400, "bad-request"));
                break;
        }
    }

    /// <summary>The phone's part once the code is entered (crypto done by the caller outside the state lock).</summary>
    public static void SendPrimaryHello(WaSimulator simulator, LinkCodeSession session, byte[] wrappedPrimaryEphemeral)
    {
        var id = simulator.NewStanzaId();
        session.Pairing.Connection.Send(new BinaryNode("notification",
            [("from", ServerNodes.Server), ("type", "link_code_companion_reg"), ("id", id), ("t", ServerNodes.Timestamp(WaSimulator.Now))],
            [new BinaryNode("link_code_companion_reg", [("jid", new Jid(session.PhoneNumber, JidServer.User)), ("stage", "primary_hello")],
            [
                new BinaryNode("link_code_pairing_ref", [], System.Text.Encoding.UTF8.GetBytes(session.Reference)),
                new BinaryNode("primary_identity_pub", [], session.User!.Phone.AccountKey.PublicKey),
                new BinaryNode("link_code_pairing_wrapped_primary_ephemeral_pub", [], wrappedPrimaryEphemeral),
            ])]));
    }

    private static void Finish(WaSimulator simulator, ChatConnection connection, BinaryNode iq, BinaryNode registration, PendingPairing pending)
    {
        if (pending.LinkCode is not { User: { } user, PrimaryEphemeral: { } primaryEphemeral, CompanionEphemeral: { } companionEphemeral } session)
        {
            throw new SimulatorException("companion_finish before the phone entered the code");
        }
        var reference = registration.RequireChild("link_code_pairing_ref").ContentAsString;
        if (reference != session.Reference) throw new SimulatorException("companion_finish names another pairing ref");
        var identity = Bytes(registration.RequireChild("companion_identity_public"));
        if (!identity.AsSpan().SequenceEqual(pending.Registration.Keys.IdentityKey)) throw new SimulatorException("companion_finish names another identity key");
        byte[] advSecret;
        try
        {
            advSecret = LinkCodeCrypto.OpenKeyBundle(Bytes(registration.RequireChild("link_code_pairing_wrapped_key_bundle")),
                companionEphemeral, primaryEphemeral, user.Phone.AccountKey, identity);
        }
        catch (WaCluster.Protocol.ProtocolException ex)
        {
            // Typically a mistyped code: the two sides derived different keys. The phone is told linking failed.
            simulator.ForgetLinkCode(session);
            pending.Linked.TrySetException(new SimulatorException($"pairing code linking failed: {ex.Message}"));
            throw;
        }
        simulator.ForgetLinkCode(session);
        connection.Send(ServerNodes.IqResult(iq));
        PairingFlow.SignAndSendPairSuccess(simulator, pending, user, advSecret);
    }

    private static byte[] Bytes(BinaryNode node) =>
        node.ContentKind == NodeContentKind.Bytes ? node.Bytes.ToArray() : throw new SimulatorException($"<{node.Tag}> must hold bytes");
}
