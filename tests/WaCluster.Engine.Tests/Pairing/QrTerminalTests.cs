using WaCluster.Core.Connection;
using WaCluster.Core.Creds;
using WaCluster.Core.Pairing;
using WaCluster.Engine.Pairing;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace WaCluster.Engine.Tests.Pairing;

/// <summary>
/// The terminal QR, read back from its half-block characters into modules and decoded by ZXing (an independent QR
/// reader), yields the text it was rendered from, on dark and on light terminals.
/// </summary>
public sealed class QrTerminalTests
{
    public static TheoryData<string, bool> Texts()
    {
        var creds = AuthCreds.CreateNew();
        var whatsAppQr = PairingQr.Build("2@" + Convert.ToBase64String(new byte[60]), creds, new BrowserDescription("Mac OS", "Chrome", "14.4.1"));
        return new TheoryData<string, bool>
        {
            { whatsAppQr, false },
            { whatsAppQr, true },
            { "x", false },
            { new string('a', 101), true },
        };
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Rendered_rows_decode_back_to_the_text(string text, bool darkOnLight)
    {
        var rendered = QrTerminal.Render(text, darkOnLight);
        var rows = rendered.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(rows, r => Assert.Equal(rows[0].Length, r.Length));
        Assert.All(rendered.Replace("\n", string.Empty, StringComparison.Ordinal), c => Assert.Contains(c, " ▀▄█"));
        Assert.Equal(text, Decode(ReadModules(rows, darkOnLight)));
    }

    [Fact]
    public void Every_module_of_the_code_is_drawn()
    {
        var text = "2@abc,def,ghi,jkl";
        var dark = QrTerminal.DarkModules(text);
        var read = ReadModules(QrTerminal.Render(text).Split('\n', StringSplitOptions.RemoveEmptyEntries), darkOnLight: false);
        Assert.Equal(dark.GetLength(0), read.GetLength(1));
        for (var row = 0; row < dark.GetLength(0); row++)
        {
            for (var column = 0; column < dark.GetLength(1); column++) Assert.Equal(dark[row, column], read[row, column]);
        }
    }

    // Two module rows per character: upper half, lower half; a painted half is light on a dark terminal.
    private static bool[,] ReadModules(string[] rows, bool darkOnLight)
    {
        var dark = new bool[rows.Length * 2, rows[0].Length];
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                var (upper, lower) = rows[r][c] switch { '█' => (true, true), '▀' => (true, false), '▄' => (false, true), _ => (false, false) };
                dark[2 * r, c] = upper == darkOnLight;
                dark[2 * r + 1, c] = lower == darkOnLight;
            }
        }
        return dark;
    }

    private static string? Decode(bool[,] dark)
    {
        const int scale = 4, margin = 16;
        var width = dark.GetLength(1) * scale + 2 * margin;
        var height = dark.GetLength(0) * scale + 2 * margin;
        var pixels = Enumerable.Repeat((byte)255, width * height).ToArray();
        for (var row = 0; row < dark.GetLength(0); row++)
        {
            for (var column = 0; column < dark.GetLength(1); column++)
            {
                if (!dark[row, column]) continue;
                for (var y = 0; y < scale; y++)
                {
                    for (var x = 0; x < scale; x++) pixels[(margin + row * scale + y) * width + margin + column * scale + x] = 0;
                }
            }
        }
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8)));
        return new QRCodeReader().decode(bitmap, new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true })?.Text;
    }
}
