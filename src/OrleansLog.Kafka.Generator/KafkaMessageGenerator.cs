using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace OrleansLog.Kafka.Generator;

/// <summary>
/// Generates the Kafka protocol codec from Kafka's JSON message definitions, given to the compilation as
/// <c>AdditionalFiles</c> (*.json): one class per request, response or header, and the <c>KafkaApis</c> table.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class KafkaMessageGenerator : IIncrementalGenerator
{
    private static readonly DiagnosticDescriptor InvalidDefinition = new(
        id: "OLKAFKA001",
        title: "Invalid Kafka message definition",
        messageFormat: "Kafka message definition {0} cannot be generated: {1}",
        category: "OrleansLog.Kafka",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor InvalidApiTable = new(
        id: "OLKAFKA002",
        title: "Inconsistent Kafka API definitions",
        messageFormat: "The Kafka API table cannot be generated: {0}",
        category: "OrleansLog.Kafka",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<(string FileName, string Text)> files = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => (Path.GetFileName(file.Path), file.GetText(cancellationToken)?.ToString() ?? string.Empty));

        IncrementalValuesProvider<ParsedDefinition> parsed = files.Select(static (file, _) => ParsedDefinition.From(file.FileName, file.Text));

        context.RegisterSourceOutput(parsed, static (output, definition) =>
        {
            if (definition.Error is not null)
            {
                output.ReportDiagnostic(Diagnostic.Create(InvalidDefinition, Location.None, definition.FileName, definition.Error));
                return;
            }

            if (definition.Source is not null)
            {
                output.AddSource(definition.Spec!.Name + ".g.cs", SourceText.From(definition.Source, Encoding.UTF8));
            }
        });

        context.RegisterSourceOutput(parsed.Collect(), static (output, definitions) =>
        {
            if (definitions.Any(d => d.Error is not null))
            {
                return;
            }

            List<MessageSpec> specs = definitions.Where(d => d.Spec is not null).Select(d => d.Spec!).ToList();
            try
            {
                output.AddSource("KafkaApis.g.cs", SourceText.From(ApisEmitter.Emit(specs), Encoding.UTF8));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                output.ReportDiagnostic(Diagnostic.Create(InvalidApiTable, Location.None, e.Message));
            }
        });
    }

    /// <summary>One definition file, parsed and emitted (or the reason it could not be).</summary>
    private sealed class ParsedDefinition
    {
        private ParsedDefinition(string fileName, MessageSpec? spec, string? source, string? error)
        {
            FileName = fileName;
            Spec = spec;
            Source = source;
            Error = error;
        }

        public string FileName { get; }

        public MessageSpec? Spec { get; }

        public string? Source { get; }

        public string? Error { get; }

        public static ParsedDefinition From(string fileName, string text)
        {
            try
            {
                MessageSpec? spec = MessageSpecParser.Parse(text);
                if (spec is null)
                {
                    return new ParsedDefinition(fileName, null, null, null);
                }

                string expected = spec.Name + ".json";
                if (!string.Equals(fileName, expected, StringComparison.Ordinal))
                {
                    return new ParsedDefinition(fileName, null, null, $"the file defines {spec.Name} and should be named {expected}");
                }

                return new ParsedDefinition(fileName, spec, MessageEmitter.Emit(spec, fileName), null);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
            {
                return new ParsedDefinition(fileName, null, null, e.Message);
            }
        }
    }
}
