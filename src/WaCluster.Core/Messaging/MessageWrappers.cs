using Google.Protobuf;
using Google.Protobuf.Reflection;
using WaCluster.Protocol.Proto;

namespace WaCluster.Core.Messaging;

/// <summary>A received message's content once its wrappers are taken off, with what the wrappers said about it.</summary>
/// <param name="Expiration">The chat's disappearing timer in seconds as the content's context info gives it, else null.</param>
/// <param name="ViewOnce">The content came inside a view-once wrapper.</param>
public sealed record UnwrappedMessage(Message Content, uint? Expiration, bool ViewOnce);

/// <summary>
/// WhatsApp clients wrap content in FutureProofMessages: disappearing chats (ephemeral), view-once (V1, V2, V2
/// extension), documents with a caption, edits and a few others, sometimes nested. Receivers classify the innermost
/// content, as Baileys' <c>normalizeMessageContent</c> does; here a chain deeper than <see cref="MaxDepth"/> or a
/// wrapper with nothing inside is a typed error rather than an empty message.
/// </summary>
public static class MessageWrappers
{
    /// <summary>Baileys unwraps at most five levels.</summary>
    public const int MaxDepth = 5;

    public static UnwrappedMessage Unwrap(Message message, string id)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = message;
        var viewOnce = false;
        for (var depth = 0; WrapperOf(content) is { } wrapper; depth++)
        {
            if (depth == MaxDepth) throw new EngineException($"message {id}: wrappers nested deeper than {MaxDepth}");
            if (wrapper.Future.Message is not { } inner || inner.CalculateSize() == 0)
                throw new EngineException($"message {id}: {wrapper.Name} wraps nothing");
            viewOnce |= wrapper.ViewOnce;
            // The message secret (polls, reactions) travels beside the wrapper.
            if (inner.MessageContextInfo is null && content.MessageContextInfo is { } outerContext) inner = WithContext(inner, outerContext);
            content = inner;
        }
        var expiration = ContextInfoOf(content) is { HasExpiration: true } context ? context.Expiration : (uint?)null;
        return new UnwrappedMessage(content, expiration, viewOnce);
    }

    /// <summary>
    /// The context info of the message's content (the field named contextInfo of whichever content field is set), or
    /// null when the content kind has none or does not carry one.
    /// </summary>
    public static ContextInfo? ContextInfoOf(Message message) =>
        ContentWithContextInfo(message) is { } found ? found.Field.Accessor.GetValue(found.Content) as ContextInfo : null;

    /// <summary>
    /// A copy of <paramref name="message"/> whose content carries the chat's disappearing timer, as Baileys 7 sends
    /// inside a disappearing chat: a plain text becomes an extended text (it has no context info), protocol messages
    /// and reactions (no context info, the timer is not theirs) stay as they are.
    /// </summary>
    public static Message WithExpiration(Message message, uint seconds)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (seconds == 0 || WrapperOf(message) is not null) return message;
        var copy = message.Clone();
        if (copy.HasConversation)
        {
            copy.ExtendedTextMessage = new Message.Types.ExtendedTextMessage { Text = copy.Conversation };
            copy.ClearConversation();
        }
        if (ContentWithContextInfo(copy) is not { } found) return message;
        var context = found.Field.Accessor.GetValue(found.Content) as ContextInfo ?? new ContextInfo();
        context.Expiration = seconds;
        found.Field.Accessor.SetValue(found.Content, context);
        return copy;
    }

    private static (IMessage Content, FieldDescriptor Field)? ContentWithContextInfo(Message message)
    {
        foreach (var field in Message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsRepeated || field.Name == "messageContextInfo") continue;
            if (field.Accessor.GetValue(message) is not IMessage content) continue;
            var contextField = content.Descriptor.FindFieldByName("contextInfo");
            if (contextField is { FieldType: FieldType.Message } && contextField.MessageType == ContextInfo.Descriptor) return (content, contextField);
        }
        return null;
    }

    private static Message WithContext(Message inner, MessageContextInfo context)
    {
        var copy = inner.Clone();
        copy.MessageContextInfo = context;
        return copy;
    }

    private static (Message.Types.FutureProofMessage Future, string Name, bool ViewOnce)? WrapperOf(Message message) => message switch
    {
        { EphemeralMessage: { } w } => (w, "ephemeralMessage", false),
        { ViewOnceMessage: { } w } => (w, "viewOnceMessage", true),
        { ViewOnceMessageV2: { } w } => (w, "viewOnceMessageV2", true),
        { ViewOnceMessageV2Extension: { } w } => (w, "viewOnceMessageV2Extension", true),
        { DocumentWithCaptionMessage: { } w } => (w, "documentWithCaptionMessage", false),
        { EditedMessage: { } w } => (w, "editedMessage", false),
        { AssociatedChildMessage: { } w } => (w, "associatedChildMessage", false),
        { GroupStatusMessage: { } w } => (w, "groupStatusMessage", false),
        { GroupStatusMessageV2: { } w } => (w, "groupStatusMessageV2", false),
        _ => null,
    };
}
