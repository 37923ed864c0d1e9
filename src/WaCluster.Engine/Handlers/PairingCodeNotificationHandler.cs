using WaCluster.Core.Pairing;
using WaCluster.Core.Stanzas;
using WaCluster.Engine.Connection;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// The phone entered our pairing code (link_code_companion_reg at stage primary_hello): derive the adv secret,
/// persist it, then finish so the pair-success can come. Beside the read loop, since finishing waits for its answer.
/// Other stages are only acked.
/// </summary>
internal sealed class PairingCodeNotificationHandler(AccountEngine engine, AckOnlyHandler ackOnly)
{
    public Task HandleAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        if (notification.GetChild("link_code_companion_reg")?.GetAttribute("stage") != "primary_hello")
        {
            return ackOnly.HandleAsync(session, notification, cancellationToken);
        }
        session.RunBeside("pairing code", ct => FinishAsync(session, notification, ct), cancellationToken);
        return Task.CompletedTask;
    }

    private async Task FinishAsync(ConnectionSession session, BinaryNode notification, CancellationToken cancellationToken)
    {
        await session.SendAsync(StanzaAcks.For(notification, null), cancellationToken).ConfigureAwait(false);
        if (engine.PendingCode is not var (code, phone)) throw new PairingException(PairingError.Malformed, "primary_hello without a pairing code request");
        var finish = PairingCode.CompanionFinish(notification, code, engine.Creds.PairingEphemeralKey, engine.Creds.SignedIdentityKey, phone);
        await engine.CommitAsync("pairing code secret", engine.Creds with { AdvSecretKey = finish.AdvSecret }, null, cancellationToken).ConfigureAwait(false);
        await session.QueryAsync(finish.Request, cancellationToken).ConfigureAwait(false);
        // The pair-success may be committing meanwhile: set the flag on whatever creds are current then. Not cancelled with
        // the connection: the server's 515 right after the pair-success may end it before this runs, and the flag must stay.
        await engine.UpdateCredsAsync("pairing code finished", current => current with { Registered = true }, CancellationToken.None).ConfigureAwait(false);
    }
}
