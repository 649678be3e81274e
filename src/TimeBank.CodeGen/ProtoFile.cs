using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace TimeBank.CodeGen;

/// <summary>
/// What the generators need from a .proto file: its package, its C# namespace and its services' rpcs.
/// Comments are stripped first (keeping line breaks, so errors name the right line); an rpc that cannot
/// be read is reported, never skipped.
/// </summary>
internal sealed class ProtoFile
{
    private static readonly Regex Package = new(@"^\s*package\s+([\w.]+)\s*;", RegexOptions.Multiline);
    private static readonly Regex Namespace = new(@"^\s*option\s+csharp_namespace\s*=\s*""([\w.]+)""\s*;", RegexOptions.Multiline);
    private static readonly Regex Service = new(@"\bservice\s+(\w+)\s*\{");
    private static readonly Regex RpcStart = new(@"\brpc\b");
    private static readonly Regex Rpc = new(@"^rpc\s+(\w+)\s*\(\s*(stream\s+)?([\w.]+)\s*\)\s*returns\s*\(\s*(stream\s+)?([\w.]+)\s*\)\s*(;|\{)");

    public string Path { get; private set; } = "";

    public string? PackageName { get; private set; }

    public string? CSharpNamespace { get; private set; }

    public List<ProtoService> Services { get; } = new();

    public List<(int Line, string Problem)> Problems { get; } = new();

    public static ProtoFile Parse(string path, string text)
    {
        var file = new ProtoFile { Path = path };
        var code = StripComments(text);
        file.PackageName = Package.Match(code) is { Success: true } package ? package.Groups[1].Value : null;
        file.CSharpNamespace = Namespace.Match(code) is { Success: true } ns ? ns.Groups[1].Value : null;
        foreach (Match service in Service.Matches(code))
        {
            var body = service.Index + service.Length;
            var end = MatchingBrace(code, body - 1);
            if (end < 0)
            {
                file.Problems.Add((LineOf(code, service.Index), $"service {service.Groups[1].Value} has no closing brace"));
                continue;
            }

            var found = new ProtoService(service.Groups[1].Value);
            foreach (Match start in RpcStart.Matches(code.Substring(body, end - body)))
            {
                var at = body + start.Index;
                var rpc = Rpc.Match(code.Substring(at));
                if (!rpc.Success)
                {
                    file.Problems.Add((LineOf(code, at), $"cannot read this rpc of service {found.Name}: expected 'rpc Name(Request) returns (Response);'"));
                    continue;
                }

                if (rpc.Groups[2].Success)
                {
                    file.Problems.Add((LineOf(code, at), $"rpc {rpc.Groups[1].Value} streams its requests, which this server does not serve"));
                    continue;
                }

                found.Rpcs.Add(new ProtoRpc(rpc.Groups[1].Value, rpc.Groups[3].Value, rpc.Groups[5].Value, rpc.Groups[4].Success, LineOf(code, at)));
            }

            file.Services.Add(found);
        }

        return file;
    }

    private static int MatchingBrace(string code, int open)
    {
        var depth = 0;
        for (var i = open; i < code.Length; i++)
        {
            if (code[i] == '{')
            {
                depth++;
            }
            else if (code[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static int LineOf(string code, int index)
    {
        var line = 1;
        for (var i = 0; i < index && i < code.Length; i++)
        {
            if (code[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    /// <summary>Blanks out // and /* */ comments and string contents' comment look-alikes, keeping every newline.</summary>
    private static string StripComments(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                var close = text.IndexOf('"', i + 1);
                close = close < 0 ? text.Length - 1 : close;
                result.Append(text, i, close - i + 1);
                i = close;
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                if (i < text.Length)
                {
                    result.Append('\n');
                }
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                i += 2;
                while (i + 1 < text.Length && !(text[i] == '*' && text[i + 1] == '/'))
                {
                    result.Append(text[i] == '\n' ? '\n' : ' ');
                    i++;
                }

                i++;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }
}

internal sealed class ProtoService(string name)
{
    public string Name { get; } = name;

    public List<ProtoRpc> Rpcs { get; } = new();
}

internal sealed record ProtoRpc(string Name, string Request, string Response, bool ServerStreaming, int Line);
