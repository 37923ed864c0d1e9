using WaCluster.Core.Connection;
using WaCluster.Core.Events;
using WaCluster.Core.Messaging;
using WaCluster.Core.Pairing;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;
using WaCluster.Protocol.Jids;

namespace WaCluster.Engine.Handlers;

/// <summary>The iqs the server sends us: pairing (the QR refs, then the phone's pair-success) and its ping.</summary>
internal sealed class IqHandler(AccountEngine engine)
{
    /// <summary>The refs to show as QR codes, one after another.</summary>
    public static async Task OnPairDeviceAsync(ConnectionSession session, BinaryNode iq, CancellationToken cancellationToken)
    {
        if (iq.GetAttribute("type") != "set") return;
        await session.SendAsync(Result(iq), cancellationToken).ConfigureAwait(false);
        session.StartQrLoop(iq.GetChild("pair-device")!, cancellationToken);
    }

    /// <summary>The phone scanned a QR or entered our code: the pairing is verified and persisted before we answer.</summary>
    public async Task OnPairSuccessAsync(ConnectionSession session, BinaryNode iq, CancellationToken cancellationToken)
    {
        session.StopQrLoop();
        try
        {
            PairingOutcome? outcome = null;
            await engine.UpdateCredsAsync("paired", current => (outcome = PairSuccess.Process(iq, current)).Creds, cancellationToken).ConfigureAwait(false);
            engine.Emit(new ConnectionUpdate(IsNewLogin: true));
            await session.SendAsync(outcome!.Reply, cancellationToken).ConfigureAwait(false);
        }
        catch (PairingException ex)
        {
            session.End(new DisconnectInfo((int)DisconnectReason.BadSession, ex.Message, ex));
        }
    }

    public static async Task OnPingAsync(ConnectionSession session, BinaryNode iq, CancellationToken cancellationToken)
    {
        if (iq.GetAttribute("type") == "get") await session.SendAsync(Result(iq), cancellationToken).ConfigureAwait(false);
    }

    private static BinaryNode Result(BinaryNode request) =>
        new("iq", [("to", request.GetAttribute("from") ?? Jid.ServerJid.ToString()), ("type", "result"), ("id", request.GetAttribute("id"))]);
}
