using System.Text;
using QRCoder;

namespace WaCluster.Engine.Pairing;

/// <summary>
/// Renders a QR text (the <c>connection.update</c> QR) for a terminal with half blocks: each text row carries two module
/// rows, so the code stays roughly square. Characters paint the light modules, as terminals are usually dark; pass
/// <c>darkOnLight: true</c> for a light terminal. A two-module quiet zone surrounds the code.
/// </summary>
public static class QrTerminal
{
    private const int QuietZone = 2;
    private const char Both = '█', Upper = '▀', Lower = '▄', Neither = ' ';

    public static string Render(string text, bool darkOnLight = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var dark = DarkModules(text);
        var size = dark.GetLength(0);
        // The painted modules: light ones on a dark terminal, dark ones on a light terminal.
        bool Painted(int row, int column) => row >= size ? !darkOnLight : dark[row, column] == darkOnLight;
        var output = new StringBuilder((size + 1) * (size / 2 + 1));
        for (var row = 0; row < size; row += 2)
        {
            for (var column = 0; column < size; column++)
            {
                output.Append((Painted(row, column), Painted(row + 1, column)) switch
                {
                    (true, true) => Both,
                    (true, false) => Upper,
                    (false, true) => Lower,
                    _ => Neither,
                });
            }
            output.Append('\n');
        }
        return output.ToString();
    }

    /// <summary>The code's modules (true = dark) with the quiet zone, ECC level L like WhatsApp Web's QR.</summary>
    internal static bool[,] DarkModules(string text)
    {
        using var generator = new QRCodeGenerator();
        using var code = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.L);
        // QRCoder's matrix carries a four-module quiet zone; two are enough on a terminal.
        var matrix = code.ModuleMatrix;
        var trim = 4 - QuietZone;
        var size = matrix.Count - 2 * trim;
        var dark = new bool[size, size];
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++) dark[row, column] = matrix[row + trim][column + trim];
        }
        return dark;
    }
}
