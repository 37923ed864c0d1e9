using Akka.Actor;
using Akka.Event;
using Google.Protobuf;
using WaCluster.Actors.Commands;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core;
using WaCluster.Core.Events;
using WaCluster.Core.Iq;
using WaCluster.Engine;
using WaCluster.Protocol;
using WaCluster.Protocol.Jids;
using WaMessage = WaCluster.Protocol.Proto.Message;
using EnginePresenceKind = WaCluster.Core.Presence.PresenceKind;

namespace WaCluster.Actors.Connection;

/// <summary>
/// The account commands that act on the live engine (pairing code, read receipts, presence, groups, media uploads), and the engine
/// events that become published contract events. Each command runs off the actor thread and its asker gets exactly one
/// reply: the result, or a <see cref="CommandRejected"/> that says why.
/// </summary>
internal sealed partial class EngineConnection
{
    private void ReceiveCommands()
    {
        Receive<RequestPairingCode>(command =>
        {
            // The account publishes events only from its current connection: it must see who sends this.
            var self = Self;
            Answer("", async (engine, cancellationToken) =>
            {
                var code = await engine.RequestPairingCodeAsync(command.PhoneNumber, cancellationToken: cancellationToken).ConfigureAwait(false);
                var issued = new PairingCodeIssued { AccountId = _context.AccountId, Code = code };
                _context.Account.Tell(issued, self);
                return issued;
            });
        });
        Receive<MarkRead>(command => Answer("", async (engine, cancellationToken) =>
        {
            var chat = Jid.Parse(command.ChatJid);
            Jid? participant = chat.IsGroup ? Jid.Parse(command.SenderJid) : null;
            await engine.ReadMessagesAsync(command.MessageIds.Select(id => new WaMessageKey(chat, false, id, participant)), cancellationToken)
                .ConfigureAwait(false);
            return Accepted("");
        }));
        Receive<SendPresence>(command => Answer("", async (engine, cancellationToken) =>
        {
            if (command.PushName.Length > 0)
            {
                await engine.SetPushNameAsync(command.PushName, cancellationToken).ConfigureAwait(false);
            }
            Jid? to = command.ToJid.Length > 0 ? Jid.Parse(command.ToJid) : null;
            await engine.SendPresenceUpdateAsync(EnginePresence(command.Kind), to, cancellationToken).ConfigureAwait(false);
            return Accepted("");
        }));
        Receive<GroupOperation>(command => Answer(command.RequestId, async (engine, cancellationToken) =>
            await GroupCommands.RunAsync(engine, _context.AccountId, command, cancellationToken).ConfigureAwait(false)));
        Receive<SendMessage>(command => Answer(command.MessageId, async (engine, cancellationToken) =>
        {
            var media = OutgoingMessages.Media(command.Media);
            WaMessage uploaded;
            await using (media.Content.ConfigureAwait(false))
            {
                uploaded = await engine.UploadMediaAsync(media, cancellationToken).ConfigureAwait(false);
            }
            // Into the outbox like any message, pointing at the uploaded blob: a resend never uploads again. The
            // account answers the asker.
            return new SendMessage
            {
                AccountId = command.AccountId,
                MessageId = command.MessageId,
                ToJid = command.ToJid,
                Prepared = uploaded.ToByteString(),
            };
        }));
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the engine and sends its reply (or the rejection its failure means) to the asker;
    /// a prepared SendMessage goes to the account instead, which answers the asker once it is in the outbox.
    /// </summary>
    private void Answer(string referenceId, Func<AccountEngine, CancellationToken, Task<IWaClusterMessage>> call)
    {
        var replyTo = Sender;
        if (_engine is not { } engine)
        {
            replyTo.Tell(Rejected(referenceId, RejectionReason.NotConnected, "the engine is not running yet"));
            return;
        }
        _ = AnswerAsync(engine, replyTo, referenceId, call, _stop.Token);
    }

    private async Task AnswerAsync(AccountEngine engine, IActorRef replyTo, string referenceId,
        Func<AccountEngine, CancellationToken, Task<IWaClusterMessage>> call, CancellationToken cancellationToken)
    {
        IWaClusterMessage reply;
        try
        {
            reply = await call(engine, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionClosedException e)
        {
            reply = Rejected(referenceId, RejectionReason.NotConnected, e.Message);
        }
        catch (Exception e) when (e is ProtocolException or ArgumentException or EngineException or OperationCanceledException
                                      or IOException or UnauthorizedAccessException)
        {
            // Bad JIDs, a code for an account already paired, error answers of the server, an unreadable media file:
            // the caller's request failed.
            reply = Rejected(referenceId, RejectionReason.Invalid, e.Message);
        }
        if (reply is SendMessage prepared)
        {
            _context.Account.Tell(prepared, replyTo);
            return;
        }
        replyTo.Tell(reply);
    }

    /// <summary>Engine events subscribers care about beyond messages (which travel with their state change).</summary>
    private void ForwardEvent(EngineEvent engineEvent, IActorRef account, IActorRef self)
    {
        if (PublishedEvents.From(_context.AccountId, engineEvent) is not { } events)
        {
            _log.Warning("Engine event {0} of {1} has no contract event: not published", engineEvent.Name, _context.AccountId);
            return;
        }
        foreach (var published in events)
        {
            account.Tell(published, self);
        }
    }

    private static EnginePresenceKind EnginePresence(PresenceKind kind) => kind switch
    {
        PresenceKind.Available => EnginePresenceKind.Available,
        PresenceKind.Unavailable => EnginePresenceKind.Unavailable,
        PresenceKind.Composing => EnginePresenceKind.Composing,
        PresenceKind.Recording => EnginePresenceKind.Recording,
        PresenceKind.Paused => EnginePresenceKind.Paused,
        _ => throw new ArgumentException($"presence kind {kind} is not one to send", nameof(kind)),
    };

    private CommandAccepted Accepted(string referenceId) => new() { AccountId = _context.AccountId, ReferenceId = referenceId };

    private CommandRejected Rejected(string referenceId, RejectionReason reason, string detail) =>
        new() { AccountId = _context.AccountId, ReferenceId = referenceId, Reason = reason, Detail = detail };
}
