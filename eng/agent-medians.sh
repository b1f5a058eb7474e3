#!/usr/bin/env bash
# The medians of several eng/measure-agent.sh results (RSS max and last, CPU, bandwidth reduction), each trial listed.
# Usage: eng/agent-medians.sh RESULT...   (each RESULT the output of one eng/measure-agent.sh run)
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: eng/agent-medians.sh RESULT..." >&2; exit 2; }
awk 'BEGIN { n = 0 }
  function check() { if (!(n in max) || !(n in cpu)) { print file ": not an eng/measure-agent.sh result" > "/dev/stderr"; bad = 1; exit 1 } n++ }
  FNR == 1 { if (NR > 1) check(); file = FILENAME }
  /^agent RSS:/ { gsub(",", ""); max[n] = $4; last[n] = $7 }
  /^agent CPU after warm-up:/ { cpu[n] = $5 }
  /^machine CPU steal/ { steal[n] = $6 }
  /^bandwidth reduction:/ { sub("x", "", $3); bw[n] = $3 }
  function median(v,   i, j, t, s) {
    for (i = 0; i < n; i++) s[i] = v[i] + 0
    for (i = 1; i < n; i++) for (j = i; j > 0 && s[j - 1] > s[j]; j--) { t = s[j]; s[j] = s[j - 1]; s[j - 1] = t }
    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
  }
  function each(v, unit,   i, out) { for (i = 0; i < n; i++) out = out (i ? " / " : "") v[i] unit; return out }
  END {
    if (bad) exit 1
    check()
    printf "agent, median of %d trials: RSS max %.1f MiB, last %.1f MiB; CPU %.2f %% of one core; bandwidth reduction %.0fx\n",
      n, median(max), median(last), median(cpu), median(bw)
    printf "trials: RSS max %s; last %s; CPU %s; steal %s; reduction %s\n", each(max, ""), each(last, ""), each(cpu, " %"), each(steal, " %"), each(bw, "x")
  }' "$@"
