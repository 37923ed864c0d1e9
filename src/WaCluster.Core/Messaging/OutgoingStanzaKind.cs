using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Messaging;

/// <summary>
/// What the message stanza says about its content, read off the message itself so that any kind (text, reply,
/// reaction, edit, revoke, uploaded media) can be sent, or resent from an outbox, through one path: the stanza
/// <c>type</c>, the <c>mediatype</c> of its enc nodes, and the <c>edit</c> attribute of edits and revokes.
/// </summary>
public sealed record OutgoingStanzaKind(string Type, string? MediaType, string? Edit)
{
    public static OutgoingStanzaKind Of(Message message) => message switch
    {
        { ReactionMessage: not null } => new("reaction", null, null),
        { ProtocolMessage: { Type: Message.Types.ProtocolMessage.Types.Type.MessageEdit } } => new("text", null, MessageKinds.EditAttribute),
        { ProtocolMessage: { Type: Message.Types.ProtocolMessage.Types.Type.Revoke } revoke } =>
            new("text", null, revoke.Key?.FromMe == false ? MessageKinds.AdminRevokeAttribute : MessageKinds.SenderRevokeAttribute),
        { ImageMessage: not null } => new("media", "image", null),
        { VideoMessage: { } video } => new("media", video.GifPlayback ? "gif" : "video", null),
        { AudioMessage: { } audio } => new("media", audio.Ptt ? "ptt" : "audio", null),
        { DocumentMessage: not null } => new("media", "document", null),
        { StickerMessage: not null } => new("media", "sticker", null),
        _ => new("text", null, null),
    };
}
