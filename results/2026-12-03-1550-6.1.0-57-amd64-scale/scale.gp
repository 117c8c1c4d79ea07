$ipis0 << EOD
2 0.98
4 1.46
8 1.71
EOD
$time0 << EOD
1 10837
2 11420
4 10168
8 11977
EOD
$ipis1 << EOD
2 0.98
4 1.46
8 1.71
EOD
$time1 << EOD
1 7865
2 7991
4 8975
8 8125
EOD
$ipis2 << EOD
2 995.12
4 3009.52
8 7023.93
EOD
$time2 << EOD
1 10860
2 73649
4 135691
8 590286
EOD
$ipis3 << EOD
2 996.83
4 3000
8 6999.51
EOD
$time3 << EOD
1 31641
2 115405
4 154487
8 627034
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 5329
2 5485
4 5647
8 5737
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "6.1.0-57-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "6.1.0-57-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
