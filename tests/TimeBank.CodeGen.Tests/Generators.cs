using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace TimeBank.CodeGen.Tests;

/// <summary>Runs a generator the way the compiler does, on source text and .proto text, and compiles what it made.</summary>
internal static class Generators
{
    private static readonly MetadataReference[] References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Select(path => MetadataReference.CreateFromFile(path))
        .Append(MetadataReference.CreateFromFile(typeof(Runtime.GrainReference).Assembly.Location))
        .ToArray();

    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<string> Sources) Run(
        IIncrementalGenerator generator, string source, IEnumerable<(string Path, string Text)>? additionalFiles = null, string? protoOutput = null)
    {
        var compilation = CSharpCompilation.Create(
            "Generated",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(
            [generator.AsSourceGenerator()],
            (additionalFiles ?? []).Select(f => (AdditionalText)new InMemoryText(f.Path, f.Text)),
            new CSharpParseOptions(LanguageVersion.Latest),
            new Options(protoOutput));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var sources = output.SyntaxTrees.Skip(1).Select(t => t.ToString()).ToArray();
        return (output, diagnostics, sources);
    }

    public static IEnumerable<Diagnostic> Errors(this Compilation compilation)
        => compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options(string? protoOutput) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Global(protoOutput);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class Global(string? protoOutput) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                value = protoOutput ?? "";
                return key == "build_property.TimeBankProtoOutput" && protoOutput is not null;
            }
        }
    }
}
