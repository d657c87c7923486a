// The /audit page's bar chart (DESIGN.md §1: "catch labels beyond certified output"): per
// certificate of a CertificateReport, kilograms labelled (unit codes minted × net content) next to
// the certified annual output, as inline SVG (no scripts, no external requests). A labelled bar
// beyond the certified output is red; a certificate expiring within 60 days is flagged.
#pragma once

#include <string>

#include "agritrace/registry/audit_reports.h"

namespace agritrace::http {

// One <g class="cert"> per row of `certificate_report`, each holding a
// <rect class="bar labelled"> and a <rect class="bar certified">; every text is HTML-escaped.
// A certificate without a certified output gets a zero-width certified bar and says so.
std::string OutputChartSvg(const Report& certificate_report);

}  // namespace agritrace::http
