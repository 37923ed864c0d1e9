using Google.Protobuf;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Events;
using WaCluster.Core.Media;
using WaCluster.Core.Messaging;
using WaCluster.Protocol.Jids;
using WaCluster.Engine.Media;
using WaMessage = WaCluster.Protocol.Proto.Message;
using ContractMediaKind = WaCluster.Contracts.Proto.MediaKind;
using EngineMediaKind = WaCluster.Core.Media.MediaKind;

namespace WaCluster.Actors.Commands;

/// <summary>
/// Turns a SendMessage command into the WAProto message the outbox persists and the engine sends, built as WhatsApp
/// clients build each kind (reactions, edits and revokes by the engine's <see cref="MessageKinds"/>); and media content
/// into what the engine uploads. Timestamps are taken once, here, so a resend after a restart is byte for byte the
/// message first sent.
/// </summary>
public static class OutgoingMessages
{
    public static SendIntent Intent(SendText command) => new()
    {
        MessageId = command.MessageId,
        ToJid = command.ToJid,
        Message = new WaMessage { Conversation = command.Text }.ToByteString(),
    };

    /// <summary>The intent of a command without media (media is uploaded first, then arrives here as prepared).</summary>
    /// <exception cref="ArgumentException">The command lacks what its kind needs.</exception>
    public static SendIntent Intent(SendMessage command, Func<string?> ownJid, DateTimeOffset now) => new()
    {
        MessageId = command.MessageId,
        ToJid = command.ToJid,
        Message = command.ContentCase == SendMessage.ContentOneofCase.Prepared ? command.Prepared : Build(command, ownJid, now).ToByteString(),
    };

    /// <summary>Why the media of <paramref name="command"/> cannot be uploaded, or null when it can.</summary>
    public static string? InvalidMedia(SendMessage command)
    {
        var media = command.Media;
        if (media.Kind == ContractMediaKind.Unspecified)
        {
            return "the media has no kind";
        }
        if (media.Data.IsEmpty == (media.FilePath.Length == 0))
        {
            return "the media needs either data or a file path";
        }
        return media.Data.Length > SendLimits.MaxInlineMediaBytes ? $"media data over {SendLimits.MaxInlineMediaBytes} bytes must go by file path" : null;
    }

    /// <summary>The media as the engine uploads it, reading from the command's bytes or the node-local file.</summary>
    public static OutgoingMedia Media(MediaContent media)
    {
        var kind = media.Kind switch
        {
            ContractMediaKind.Image => EngineMediaKind.Image,
            ContractMediaKind.Video => EngineMediaKind.Video,
            ContractMediaKind.Audio or ContractMediaKind.VoiceNote => EngineMediaKind.Audio,
            ContractMediaKind.Document => EngineMediaKind.Document,
            ContractMediaKind.Sticker => EngineMediaKind.Sticker,
            _ => throw new ArgumentException($"media kind {media.Kind} is not one to send", nameof(media)),
        };
        var outgoing = media.FilePath.Length > 0
            ? OutgoingMedia.FromFile(kind, media.FilePath)
            : new OutgoingMedia(kind, new MemoryStream(media.Data.ToByteArray(), writable: false));
        return outgoing with
        {
            Mimetype = NullIfEmpty(media.Mimetype),
            Caption = NullIfEmpty(media.Caption),
            FileName = NullIfEmpty(media.FileName),
            Seconds = media.Seconds > 0 ? media.Seconds : null,
            Width = media.Width > 0 ? media.Width : null,
            Height = media.Height > 0 ? media.Height : null,
            Ptt = media.Kind == ContractMediaKind.VoiceNote,
            GifPlayback = media.GifPlayback,
        };
    }

    private static WaMessage Build(SendMessage command, Func<string?> ownJid, DateTimeOffset now) => command.ContentCase switch
    {
        SendMessage.ContentOneofCase.Text => new WaMessage { Conversation = command.Text },
        SendMessage.ContentOneofCase.Reply => Reply(command, ownJid),
        SendMessage.ContentOneofCase.Reaction => MessageKinds.Reaction(KeyOf(command.ToJid, command.Reaction.Target, "a reaction"), command.Reaction.Emoji, now),
        SendMessage.ContentOneofCase.Edit => MessageKinds.Edit(KeyOf(command.ToJid, command.Edit.Target, "an edit"), command.Edit.Text, now),
        SendMessage.ContentOneofCase.Revoke => MessageKinds.Revoke(KeyOf(command.ToJid, command.Revoke, "a revoke")),
        _ => throw new ArgumentException("the message has no content", nameof(command)),
    };

    // The quote names the quoted message's author: in a group its participant, in a 1:1 chat the peer or, for our
    // own message, our JID.
    private static WaMessage Reply(SendMessage command, Func<string?> ownJid)
    {
        var quoted = command.Reply.Quoted is { MessageId.Length: > 0 } known ? known : throw new ArgumentException("a reply needs the quoted message id");
        var author = quoted.ParticipantJid.Length > 0 ? quoted.ParticipantJid
            : quoted.FromMe ? ownJid() ?? throw new ArgumentException("the account is not paired: it has no JID to quote itself with")
            : command.ToJid;
        var context = new WaCluster.Protocol.Proto.ContextInfo { StanzaId = quoted.MessageId, Participant = WithoutDevice(author) };
        if (command.Reply.QuotedText.Length > 0)
        {
            context.QuotedMessage = new WaMessage { Conversation = command.Reply.QuotedText };
        }
        return new WaMessage { ExtendedTextMessage = new WaMessage.Types.ExtendedTextMessage { Text = command.Reply.Text, ContextInfo = context } };
    }

    private static WaMessageKey KeyOf(string chat, MessageRef? target, string what)
    {
        if (target is not { MessageId.Length: > 0 })
        {
            throw new ArgumentException($"{what} needs the id of the message it targets");
        }
        if (!Jid.TryParse(chat, out var chatJid))
        {
            throw new ArgumentException($"to_jid '{chat}' is not a user or group JID");
        }
        Jid? participant = null;
        if (target.ParticipantJid.Length > 0)
        {
            participant = Jid.TryParse(target.ParticipantJid, out var parsed)
                ? parsed
                : throw new ArgumentException($"participant_jid '{target.ParticipantJid}' is not a JID");
        }
        return new WaMessageKey(chatJid, target.FromMe, target.MessageId, participant);
    }

    // "1555@s.whatsapp.net" from "1555:3@s.whatsapp.net": a quote names the user, not one of their devices.
    private static string WithoutDevice(string jid) =>
        Jid.TryParse(jid, out var parsed) ? parsed.ToNonAd().ToString() : jid;

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;
}
