using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Engine.Connection;
using WaCluster.Protocol;
using WaCluster.Protocol.Binary;

namespace WaCluster.Engine.Handlers;

/// <summary>
/// The server accepted our login: pre-keys are topped up, the client goes active, our LID is kept, and the
/// connection opens. Beside the read loop, since each step waits for a server answer.
/// </summary>
internal sealed class SuccessHandler(AccountEngine engine)
{
    public Task HandleAsync(ConnectionSession session, BinaryNode success, CancellationToken cancellationToken)
    {
        session.StopQrLoop();
        session.RunBeside("login", ct => LogInAsync(session, success, ct), cancellationToken);
        return Task.CompletedTask;
    }

    private async Task LogInAsync(ConnectionSession session, BinaryNode success, CancellationToken cancellationToken)
    {
        try
        {
            await engine.UploadPreKeysIfRequiredAsync(session, cancellationToken).ConfigureAwait(false);
            await session.QueryAsync(new PassiveActiveSpec(), cancellationToken).ConfigureAwait(false);
        }
        catch (ProtocolException ex)
        {
            // Like Baileys: a failed key check does not keep the account offline.
            engine.Emit(new EngineError("login key upload", ex));
        }
        if (engine.Creds.Me is { } me && success.GetAttribute("lid") is { } lid && lid != me.Lid)
        {
            await engine.CommitAsync("own lid", engine.Creds with { Me = me with { Lid = lid } }, null, cancellationToken).ConfigureAwait(false);
        }
        await engine.LearnOwnLidAsync(cancellationToken).ConfigureAwait(false);
        session.MarkOpen();
        engine.Emit(new ConnectionUpdate(ConnectionState.Open));
    }
}
