using Google.Protobuf;
using WaCluster.Contracts;
using WaCluster.Contracts.Proto;

namespace WaCluster.Cli;

/// <summary>
/// The words after <c>accounts send ID TO</c>: the text (or caption, or emoji) and the options that choose the kind.
/// Media files are read here, up to the size a command may carry; <c>--node-file</c> names a file on the node instead.
/// </summary>
public static class SendArguments
{
    public const string Usage = """
          accounts send <id> <to-jid> <text>   a text; with one of these options instead:
              --reply-to <msg-id> [--quoted-text T]   the text quotes a message
              --react <msg-id>                        the text is the emoji (empty removes the reaction)
              --edit <msg-id>                         the text replaces one of the account's own messages
              --revoke <msg-id>                       deletes a message for everyone (no text)
              --image|--video|--audio|--voice|--document|--sticker <file>   the text is the caption
                  [--mimetype M] [--file-name N] [--seconds S] [--node-file: the path is on the account's node]
              target options: --from-me (the account's own message), --participant <jid> (its author in a group)
              --id <msg-id> chooses the message id (a retry with the same id sends once)
        """;

    private static readonly Dictionary<string, MediaKind> MediaOptions = new()
    {
        ["--image"] = MediaKind.Image,
        ["--video"] = MediaKind.Video,
        ["--audio"] = MediaKind.Audio,
        ["--voice"] = MediaKind.VoiceNote,
        ["--document"] = MediaKind.Document,
        ["--sticker"] = MediaKind.Sticker,
    };

    /// <exception cref="CliException">Unknown or conflicting options, a missing value, an unreadable or too large file.</exception>
    public static SendMessage Parse(string to, IReadOnlyList<string> words)
    {
        var message = new SendMessage { ToJid = to };
        var text = new List<string>();
        var target = new MessageRef();
        string? kind = null;
        string? mediaPath = null;
        MediaKind mediaKind = default;
        var nodeFile = false;
        var quotedText = "";
        var media = new MediaContent();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            string Value() => i + 1 < words.Count ? words[++i] : throw new CliException(ExitCodes.Usage, $"{word} needs a value");
            switch (word)
            {
                case "--reply-to" or "--react" or "--edit" or "--revoke":
                    Choose(ref kind, word);
                    target.MessageId = Value();
                    break;
                case var option when MediaOptions.TryGetValue(option, out var chosen):
                    Choose(ref kind, word);
                    mediaKind = chosen;
                    mediaPath = Value();
                    break;
                case "--quoted-text": quotedText = Value(); break;
                case "--from-me": target.FromMe = true; break;
                case "--participant": target.ParticipantJid = Value(); break;
                case "--id": message.MessageId = Value(); break;
                case "--node-file": nodeFile = true; break;
                case "--mimetype": media.Mimetype = Value(); break;
                case "--file-name": media.FileName = Value(); break;
                case "--seconds":
                    media.Seconds = uint.TryParse(Value(), out var seconds) ? seconds : throw new CliException(ExitCodes.Usage, "--seconds needs a whole number");
                    break;
                case var unknown when unknown.StartsWith("--", StringComparison.Ordinal):
                    throw new CliException(ExitCodes.Usage, $"unknown send option {unknown}");
                default:
                    text.Add(word);
                    break;
            }
        }
        var joined = string.Join(' ', text);
        switch (kind)
        {
            case null:
                message.Text = joined.Length > 0 ? joined : throw new CliException(ExitCodes.Usage, $"send needs a text\n{Commands.Usage}");
                break;
            case "--reply-to":
                message.Reply = new ReplyContent { Text = RequireText(joined, kind), Quoted = target, QuotedText = quotedText };
                break;
            case "--react":
                message.Reaction = new ReactionContent { Target = target, Emoji = joined };
                break;
            case "--edit":
                message.Edit = new EditContent { Target = target, Text = RequireText(joined, kind) };
                break;
            case "--revoke":
                message.Revoke = joined.Length == 0 ? target : throw new CliException(ExitCodes.Usage, "--revoke takes no text");
                break;
            default:
                media.Kind = mediaKind;
                media.Caption = joined;
                if (nodeFile)
                {
                    media.FilePath = mediaPath!;
                }
                else
                {
                    media.Data = ReadMedia(mediaPath!);
                }
                message.Media = media;
                break;
        }
        return message;
    }

    private static void Choose(ref string? kind, string option) =>
        kind = kind is null ? option : throw new CliException(ExitCodes.Usage, $"{kind} and {option} do not go together: one kind per message");

    private static string RequireText(string text, string option) =>
        text.Length > 0 ? text : throw new CliException(ExitCodes.Usage, $"{option} needs a text");

    private static ByteString ReadMedia(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            if (file.Length > SendLimits.MaxInlineMediaBytes)
            {
                throw new CliException(ExitCodes.Usage,
                    $"{path} is over {SendLimits.MaxInlineMediaBytes / (1024 * 1024)} MiB: copy it to the account's node and pass --node-file");
            }
            return ByteString.FromStream(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"cannot read {path}: {e.Message}");
        }
    }
}
