$ipis0 << EOD
2 1.22
4 2.2
8 3.42
EOD
$time0 << EOD
1 12443
2 15040
4 12530
8 12896
EOD
$ipis1 << EOD
2 1.22
4 4.39
8 3.42
EOD
$time1 << EOD
1 9748
2 10072
4 9936
8 9992
EOD
$ipis2 << EOD
2 989.01
4 3010.25
8 7018.8
EOD
$time2 << EOD
1 13133
2 91998
4 165991
8 599052
EOD
$ipis3 << EOD
2 995.85
4 3000
8 7000
EOD
$time3 << EOD
1 43518
2 140705
4 188570
8 668933
EOD
$ipis4 << EOD
EOD
$time4 << EOD
1 6639
2 10578
4 7037
8 7215
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
