using Google.Protobuf;
using WaCluster.Contracts.Proto;
using WaCluster.Core.Events;
using WaMessage = WaCluster.Protocol.Proto.Message;
using ProtocolType = WaCluster.Protocol.Proto.Message.Types.ProtocolMessage.Types.Type;

namespace WaCluster.Actors.Connection;

/// <summary>
/// A decrypted message as the account journals and publishes it: its kind, the text a subscriber reads, the message it
/// points at, media facts, and the whole WAProto message for anything else (e.g. downloading the media).
/// </summary>
internal static class InboundMessages
{
    public static MessageReceived Describe(string accountId, ReceivedMessage received)
    {
        var message = received.Message;
        var described = new MessageReceived
        {
            AccountId = accountId,
            MessageId = received.Key.Id,
            FromJid = received.Sender.ToString(),
            ChatJid = received.Key.RemoteJid.ToString(),
            TimestampUnixSeconds = received.Timestamp.ToUnixTimeSeconds(),
            FromMe = received.Key.FromMe,
            SenderPnJid = received.SenderPn?.ToString() ?? "",
            SenderLidJid = received.SenderLid?.ToString() ?? "",
            Message = message.ToByteString(),
            Kind = MessageKind.Other,
            ExpirationSeconds = received.Expiration ?? 0,
            ViewOnce = received.ViewOnce,
            Status = received.IsStatus,
        };
        if (message.HasConversation)
        {
            (described.Kind, described.Text) = (MessageKind.Text, message.Conversation);
        }
        else if (message.ExtendedTextMessage is { } extended)
        {
            described.Text = extended.Text;
            described.TargetMessageId = extended.ContextInfo?.StanzaId ?? "";
            described.Kind = described.TargetMessageId.Length > 0 ? MessageKind.Reply : MessageKind.Text;
        }
        else if (message.ReactionMessage is { } reaction)
        {
            (described.Kind, described.Text, described.TargetMessageId) = (MessageKind.Reaction, reaction.Text, reaction.Key?.Id ?? "");
        }
        else if (message.ProtocolMessage is { Type: ProtocolType.Revoke } revoke)
        {
            (described.Kind, described.TargetMessageId) = (MessageKind.Revoke, revoke.Key?.Id ?? "");
        }
        else if (message.ProtocolMessage is { Type: ProtocolType.MessageEdit } edit)
        {
            described.Kind = MessageKind.Edit;
            described.TargetMessageId = edit.Key?.Id ?? "";
            described.Text = TextOf(edit.EditedMessage) ?? "";
        }
        else
        {
            DescribeMedia(message, described);
        }
        return described;
    }

    private static string? TextOf(WaMessage? message) =>
        message is null ? null : message.HasConversation ? message.Conversation : message.ExtendedTextMessage?.Text;

    private static void DescribeMedia(WaMessage message, MessageReceived described)
    {
        if (message.ImageMessage is { } image)
        {
            described.Kind = MessageKind.Image;
            described.Text = image.Caption;
            described.Media = new MediaInfo { Mimetype = image.Mimetype, FileLength = image.FileLength, Width = image.Width, Height = image.Height };
        }
        else if (message.VideoMessage is { } video)
        {
            described.Kind = MessageKind.Video;
            described.Text = video.Caption;
            described.Media = new MediaInfo
            {
                Mimetype = video.Mimetype, FileLength = video.FileLength, Seconds = video.Seconds, Width = video.Width, Height = video.Height,
            };
        }
        else if (message.AudioMessage is { } audio)
        {
            described.Kind = audio.Ptt ? MessageKind.VoiceNote : MessageKind.Audio;
            described.Media = new MediaInfo { Mimetype = audio.Mimetype, FileLength = audio.FileLength, Seconds = audio.Seconds };
        }
        else if (message.DocumentMessage is { } document)
        {
            described.Kind = MessageKind.Document;
            described.Text = document.Caption;
            described.Media = new MediaInfo { Mimetype = document.Mimetype, FileLength = document.FileLength, FileName = document.FileName };
        }
        else if (message.StickerMessage is { } sticker)
        {
            described.Kind = MessageKind.Sticker;
            described.Media = new MediaInfo { Mimetype = sticker.Mimetype, FileLength = sticker.FileLength, Width = sticker.Width, Height = sticker.Height };
        }
    }
}
