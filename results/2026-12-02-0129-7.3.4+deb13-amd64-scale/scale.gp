$ipis0 << EOD
2 2.93
4 8.79
8 20.51
EOD
$time0 << EOD
1 18461
2 18777
4 19294
8 15394
EOD
$ipis1 << EOD
2 1.95
4 5.86
8 13.67
EOD
$time1 << EOD
1 10879
2 13780
4 11496
8 9143
EOD
$ipis2 << EOD
2 980.47
4 3017.58
8 7046.88
EOD
$time2 << EOD
1 21274
2 106231
4 166803
8 200749
EOD
$ipis3 << EOD
2 985.35
4 3000
8 6999.02
EOD
$time3 << EOD
1 41506
2 216026
4 266732
8 251329
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 9578
2 9028
4 9458
8 9029
EOD
set terminal svg size 720,420 dynamic font "sans,11" noenhanced
set key outside right
set grid
set xlabel "vCPUs"
set xtics (1, 2, 4, 8)
set xrange [0.5:8.5]
set output "scale-ipis.svg"
set title "7.3.4+deb13-amd64: kernel TLB-flush IPIs per 1000 pages, cold, seq"
set logscale y
set yrange [0.5:*]
set ylabel "flush IPIs / 1000 pages (log)"
plot $ipis0 using 1:2 with linespoints title "range", $ipis1 using 1:2 with linespoints title "range-user", $ipis2 using 1:2 with linespoints title "no-cache", $ipis3 using 1:2 with linespoints title "memfd_secret"
set output "scale-time.svg"
set title "7.3.4+deb13-amd64: warm time per page, seq (TCG)"
set yrange [1000:*]
set ylabel "ns / page (log)"
plot $time0 using 1:2 with linespoints title "range", $time1 using 1:2 with linespoints title "range-user", $time2 using 1:2 with linespoints title "no-cache", $time3 using 1:2 with linespoints title "memfd_secret", $time4 using 1:2 with linespoints title "alloc_pages"
